import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RotationStrategy } from './keyturn-secrets.types.js';

/** Every rotation strategy, in a fixed order. */
export const ROTATION_STRATEGIES: readonly RotationStrategy[] = ['postgres-single-user', 'postgres-alternating-users', 'redis-acl-user', 'random-key'];

function packageRoot(): string {
  // The compiled file sits in dist/cjs/lib, the source (tests) in src/lib: walk up to this
  // package's manifest rather than assume either depth.
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@keyturn/cdk') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@keyturn/cdk: cannot find the package directory of the rotation function bundles.');
    dir = parent;
  }
}

/**
 * Directory of the bundled rotation function of a strategy (`index.js` exporting `handler`),
 * built from `@keyturn/rotation` with this package.
 */
export function rotationBundleDir(strategy: RotationStrategy): string {
  const dir = join(packageRoot(), 'dist', 'lambda', strategy);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new Error(`@keyturn/cdk: the ${strategy} rotation bundle is missing at ${dir}. Build the package (npm run build) or pass rotationCode.`);
  }
  return dir;
}
