import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root (the nearest folder up from `start` whose package.json declares workspaces), or `start`. */
export function findRepositoryRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // not a readable package.json: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}

/** `KEYTURN_DATA_DIR`, else `.keyturn/` in the repository root. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEYTURN_DATA_DIR ? resolve(env.KEYTURN_DATA_DIR) : join(findRepositoryRoot(), '.keyturn');
}
