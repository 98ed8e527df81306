// npm links the workspace packages at the repository root, where Node would resolve their
// `@nestjs/*` imports to the root's NestJS 11. An application installed from the registry has
// @keyturn/nestjs in its own node_modules, next to its NestJS: this link recreates that layout, and
// `node --preserve-symlinks` keeps Node resolving from it (one NestJS 12 for the app and Keyturn).
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = dirname(fileURLToPath(import.meta.url));
const link = join(app, 'node_modules', '@keyturn', 'nestjs');
const target = relative(dirname(link), join(app, '..', '..', 'packages', 'nestjs'));
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
