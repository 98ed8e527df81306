// Every package the published code (and its .d.ts files) imports must be installed for adopters:
// a runtime or type import of a package listed only in devDependencies breaks their build.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function importedPackages(): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;
  for (const file of sourceFiles(join(root, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const specifier = match[1];
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      found.set(packageName(specifier), file.slice(root.length + 1));
    }
  }
  return found;
}

describe('package.json of @keyturn/nestjs', () => {
  it('lists every package imported by the shipped sources in dependencies or peerDependencies', () => {
    const installed = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const imported = importedPackages();
    expect(imported.has('@nestjs/common')).toBe(true);
    const missing = [...imported].filter(([name]) => !installed.has(name)).map(([name, file]) => `${name} (imported by ${file})`);
    expect(missing).toEqual([]);
  });

  it('lists @standard-schema/spec, whose types the published declarations import, in dependencies', () => {
    expect(manifest.dependencies?.['@standard-schema/spec']).toBe('^1.0.0');
  });
});
