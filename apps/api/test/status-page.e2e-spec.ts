import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { chromium, type Browser } from 'playwright-core';
import { chromiumLaunchOptions, waitFor } from '@keyturn/testing';
import { rotateNow, rotationPlans } from '../src/demo/rotations';
import { startTestStack, type TestStack } from './support/test-stack';
import { waitForAppVersion } from './support/wait-for-version';

describe('/status page in headless Chromium', () => {
  let s: TestStack;
  let browser: Browser | undefined;
  const outDir = join(__dirname, '..', 'test-output');
  const screenshot = join(outDir, 'status-page.png');

  beforeAll(async () => {
    s = await startTestStack({ env: 'status', ttlMs: 2_000 });
    mkdirSync(outDir, { recursive: true });
    rmSync(screenshot, { force: true });
    browser = await chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  });
  afterAll(async () => {
    s?.emulator.faults.clear();
    await browser?.close();
    await s?.stop();
  });

  it('shows database, Redis and every secret with its stages, and after a rotation and an outage draws them on the timeline; no value on the page', async () => {
    const names = s.options.secrets;
    const used = [names.postgres, names.redis, names.stripeApiKey, names.stripeWebhook, names.jwt, names.smtp];
    // An explicit locale: under LANG=C, Chromium reports `en-US@posix`, which Intl (and so uPlot's date axis) refuses.
    const page = await browser!.newPage({ viewport: { width: 1500, height: 900 }, locale: 'en-US' });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const response = await page.goto(`${s.url}/status`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Secrets of payments (status)');
    expect(await page.textContent('#dep-database .dep-status')).toBe('up');
    expect(await page.textContent('#dep-redis .dep-status')).toBe('up');

    const rows = () =>
      page.$$eval('#secrets tbody tr', (trs) =>
        trs.map((tr) => ({
          name: tr.querySelector('.name')?.textContent ?? '',
          version: tr.querySelector('.version')?.textContent ?? '',
          stages: [...tr.querySelectorAll('.stage')].map((st) => st.textContent ?? ''),
          versionAge: tr.querySelector('.version-age')?.textContent ?? '',
          age: tr.querySelector('.age')?.textContent ?? '',
          nextRefresh: tr.querySelector('.next-refresh')?.textContent ?? '',
          lastRotation: tr.querySelector('.last-rotation')?.textContent ?? '',
          source: tr.querySelector('.source')?.textContent ?? '',
          state: tr.querySelector('.state .badge')?.textContent ?? '',
        })),
      );
    const before = await rows();
    expect(before.map((r) => r.name).sort()).toEqual([...used].sort());
    for (const id of used) {
      const current = await s.client.send(new GetSecretValueCommand({ SecretId: id }));
      const row = before.find((r) => r.name === id)!;
      expect(row).toMatchObject({ version: current.VersionId, source: 'aws', state: 'fresh' });
      expect(row.stages).toContain(`AWSCURRENT ${current.VersionId}`);
      expect(row.versionAge).toMatch(/^\d+s$|^\d+m \d\ds$/);
      expect(row.nextRefresh).toMatch(/^in \d+s$|ago$/);
    }

    // A rotation of the JWT key, then a short Secrets Manager outage (errors, a stale period).
    const jwtPlan = rotationPlans(names).find((p) => p.secretId === names.jwt)!;
    const rotated = await rotateNow(s.client, s.emulator, jwtPlan);
    await waitForAppVersion(s.url, names.jwt, rotated.versionId);
    s.emulator.faults.set({ serverError: true });
    await waitFor(async () => ((await (await fetch(`${s.url}/status/data`)).json()) as { secrets: { state: string }[] }).secrets.some((x) => x.state === 'stale'), 'a stale secret', 20_000, 100);
    await new Promise((r) => setTimeout(r, 1_500));
    s.emulator.faults.clear();

    // The page refreshes itself from /status/data: no reload.
    await waitFor(async () => Number(await page.getAttribute('#chart', 'data-rotations')) >= 1, 'the timeline to show the rotation', 20_000, 200);
    await waitFor(
      async () => {
        const row = (await rows()).find((r) => r.name === names.jwt);
        return row?.state === 'fresh' && row.lastRotation !== '-';
      },
      'the JWT row to show its rotation',
      20_000,
      200,
    );
    const described = await s.client.send(new DescribeSecretCommand({ SecretId: names.jwt }));
    const previous = Object.entries(described.VersionIdsToStages ?? {}).find(([, l]) => l.includes('AWSPREVIOUS'))![0];
    const jwtRow = (await rows()).find((r) => r.name === names.jwt)!;
    expect(jwtRow.version).toBe(rotated.versionId);
    expect(jwtRow.stages).toEqual(expect.arrayContaining([`AWSCURRENT ${rotated.versionId}`, `AWSPREVIOUS ${previous}`]));
    const asset = await fetch(`${s.url}/status/assets/uPlot.iife.min.js`);
    expect([asset.status, asset.headers.get('content-type'), (await asset.text()).length > 10_000]).toEqual([200, 'text/javascript; charset=utf-8', true]);
    expect(await page.$$('#chart canvas')).not.toHaveLength(0);
    expect(await page.textContent('#chart')).toContain('rotations');
    const recent = await page.textContent('#recent');
    expect(recent).toContain(`rotation ${names.jwt}`);
    expect(recent).toMatch(/error .* InternalServiceError|error .*Error/);

    const text = (await page.content()) + JSON.stringify(await (await fetch(`${s.url}/status/data`)).json());
    let checked = 0;
    for (const id of used) {
      for (const stage of ['AWSCURRENT', 'AWSPREVIOUS']) {
        const out = await s.client.send(new GetSecretValueCommand({ SecretId: id, VersionStage: stage })).catch(() => undefined);
        for (const value of Object.values(JSON.parse(out?.SecretString ?? '{}') as Record<string, unknown>)) {
          if (typeof value === 'string' && value.length >= 16) {
            expect(text).not.toContain(value);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);

    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
    const png = readFileSync(screenshot);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.length).toBeGreaterThan(1000);
    await page.close();
  });
});
