#!/usr/bin/env node
// Builds the package in the current directory with tsc as CommonJS into dist/cjs, then writes, for
// every entry of package.json "exports" that has an `import` condition, an ES module wrapper at that
// path which re-exports the CommonJS build by name (with a .d.mts that re-exports its types).
// `import` and `require` therefore load the same module instance: one copy of every class, token
// and error, whatever mix of formats an application has (the "dual package hazard" does not arise).
// `--app` builds CommonJS only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const app = process.argv.includes('--app');
const cwd = process.cwd();

rmSync(join(cwd, 'dist'), { recursive: true, force: true });
if (!existsSync(join(cwd, 'tsconfig.cjs.json'))) throw new Error(`${cwd}: tsconfig.cjs.json is missing`);
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { cwd, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(join(cwd, 'dist', 'cjs'), { recursive: true });
writeFileSync(join(cwd, 'dist', 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');

if (!app) writeEsmWrappers();

function writeEsmWrappers() {
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target !== 'object' || !target.import) continue;
    const { import: esm, require: cjs } = target;
    if (!cjs?.default || !esm.default?.endsWith('.mjs') || !esm.types?.endsWith('.d.mts')) {
      throw new Error(`${manifest.name} exports["${subpath}"]: expected import { types: *.d.mts, default: *.mjs } and require { default }`);
    }
    const cjsFile = join(cwd, cjs.default);
    const jsFile = join(cwd, esm.default);
    const typesFile = join(cwd, esm.types);
    const specifier = (from, to) => {
      const rel = relative(dirname(from), to).split('\\').join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    };
    // The runtime names come from the built CommonJS module itself, so the wrapper cannot drift.
    const names = Object.keys(require(cjsFile)).filter((n) => n !== '__esModule' && n !== 'default');
    const from = JSON.stringify(specifier(jsFile, cjsFile));
    mkdirSync(dirname(jsFile), { recursive: true });
    writeFileSync(
      jsFile,
      [
        '// ES module entry: re-exports the CommonJS build, so `import` and `require` share one module instance.',
        `import cjs from ${from};`,
        names.length > 0 ? `export const { ${names.join(', ')} } = cjs;` : 'export {};',
        '',
      ].join('\n'),
    );
    mkdirSync(dirname(typesFile), { recursive: true });
    writeFileSync(typesFile, `export * from ${JSON.stringify(specifier(typesFile, cjsFile))};\n`);
  }
}
