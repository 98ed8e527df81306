import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { chromium, type Browser } from 'playwright-core';
import { chromiumLaunchOptions } from '@keyturn/testing';
import { startTestStack, type TestStack } from './support/test-stack';


describe('/status page in headless Chromium', () => {
  let s: TestStack;
  let browser: Browser | undefined;
  const outDir = join(__dirname, '..', 'test-output');
  const screenshot = join(outDir, 'status-page.png');

  beforeAll(async () => {
    s = await startTestStack({ env: 'status' });
    mkdirSync(outDir, { recursive: true });
    rmSync(screenshot, { force: true });
    browser = await chromium.launch({ ...chromiumLaunchOptions(), headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('lists every secret with its current version, age, source and state, and no value', async () => {
    const page = await browser!.newPage();
    const response = await page.goto(`${s.url}/status`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Secrets of payments (status)');

    const names = s.options.secrets;
    const used = [names.postgres, names.redis, names.stripeApiKey, names.stripeWebhook, names.jwt, names.smtp];
    const rows = await page.$$eval('#secrets tbody tr', (trs) =>
      trs.map((tr) => ({
        name: tr.querySelector('.name')?.textContent ?? '',
        version: tr.querySelector('.version')?.textContent ?? '',
        age: tr.querySelector('.age')?.textContent ?? '',
        source: tr.querySelector('.source')?.textContent ?? '',
        state: tr.querySelector('.state .badge')?.textContent ?? '',
      })),
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...used].sort());
    const text = await page.textContent('body');
    for (const id of used) {
      const current = await s.client.send(new GetSecretValueCommand({ SecretId: id }));
      const row = rows.find((r) => r.name === id)!;
      expect(row).toMatchObject({ version: current.VersionId, source: 'aws', state: 'fresh' });
      expect(row.age).toMatch(/^\d+s$|^\d+m \d\ds$/);
      // No value and no password-looking field of the secret appears anywhere on the page.
      for (const value of Object.values(JSON.parse(current.SecretString as string) as Record<string, unknown>)) {
        if (typeof value === 'string' && value.length >= 16) expect(text).not.toContain(value);
      }
    }

    await page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
    const png = readFileSync(screenshot);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.length).toBeGreaterThan(1000);
    await page.close();
  });
});
