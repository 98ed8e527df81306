import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Launch options for Playwright's Chromium in the browser tests (see `find-chromium.mjs` for the order in
 * which a binary is chosen). Runs the finder as a child process because it loads an ES-module-only package.
 */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  const out = execFileSync(process.execPath, [join(__dirname, 'find-chromium.mjs')], { encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out) as { executablePath: string; args: string[] };
}
