// Finds a Chromium for the browser tests and prints `{ executablePath, args }` as JSON.
// Order: $CHROMIUM_PATH; the binary that the npm package @sparticuz/chromium ships (a devDependency,
// unpacked into the temp directory on first use, so a fresh machine needs no system package);
// then a system Chromium. Exits 1 with what to install when there is none.
// ES module on purpose: @sparticuz/chromium is published as ES modules only.
import { existsSync } from 'node:fs';

// Without these, Chromium keeps trying to reach Google's services, which a closed network refuses.
const quiet = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function findChromium() {
  if (process.env.CHROMIUM_PATH) return { executablePath: process.env.CHROMIUM_PATH, args: quiet };
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    return { executablePath: await chromium.executablePath(), args: [...chromium.args, ...quiet] };
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') throw e;
  }
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(p)) return { executablePath: p, args: quiet };
  }
  return undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = await findChromium();
  if (!found) {
    console.error('no Chromium: run `npm ci` (installs @sparticuz/chromium), or `apt-get install chromium`, or set CHROMIUM_PATH');
    process.exit(1);
  }
  console.log(JSON.stringify(found));
}
