// npm links the workspace packages at the repository root, where Node would resolve their
// `@nestjs/*` imports to the root's NestJS 11. An application installed from the registry has
// @keyturn/nestjs and @keyturn/core in its own node_modules, next to its NestJS and ioredis: these
// links recreate that layout, and `node --preserve-symlinks` keeps Node resolving from them (one
// NestJS 12 and one ioredis 6 for the app and Keyturn).
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = dirname(fileURLToPath(import.meta.url));
for (const name of ['core', 'nestjs']) {
  const link = join(app, 'node_modules', '@keyturn', name);
  const target = relative(dirname(link), join(app, '..', '..', 'packages', name));
  let current;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== target) {
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { recursive: true, force: true });
    symlinkSync(target, link, 'dir');
  }
}
