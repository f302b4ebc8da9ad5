// tests/browser/report_test.mjs REPORT.html EXPECTED_MOMENTS SCREENSHOT.png
// Loads a tonemon report in headless Chromium (Debian's /usr/bin/chromium) and checks what a
// person would: no console errors, the timeline and legend are drawn, every de-escalation moment
// has a marker, and clicking a marker moves the audio player to that moment.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [report, expected, shot] = process.argv.slice(2);
let passed = 0, failed = 0;
const check = (what, ok, detail = '') => {
  if (ok) passed++; else { failed++; console.error(`FAIL: ${what} ${detail}`); }
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  const requests = [];
  page.on('request', r => requests.push(r.url()));
  await page.goto('file://' + path.resolve(report), { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('player').readyState >= 1, null, { timeout: 15000 });

  check('no console errors', errors.length === 0, errors.join(' | '));
  check('nothing fetched from the network', requests.every(u => u.startsWith('file:') || u.startsWith('data:')),
        requests.filter(u => !u.startsWith('file:') && !u.startsWith('data:')).join(' '));
  check('timeline drawn', await page.locator('svg#timeline rect').count() > 20);
  check('legend shown', (await page.locator('.legend').innerText()).includes('interruption'));
  check('time axis in m:ss', (await page.locator('svg#timeline text').allTextContents()).some(t => /^\d+:\d\d$/.test(t)));
  const markers = page.locator('g.moment');
  const n = await markers.count();
  check('one marker per moment', n === Number(expected), `drew ${n}, expected ${expected}`);
  const rows = await page.locator('#moments tr[data-t]').count();
  check('moments table', rows === Number(expected), `rows ${rows}`);
  for (let i = 0; i < Math.min(n, 3); i++) {
    const m = markers.nth(i);
    const t = Number(await m.getAttribute('data-t'));
    await m.click();
    await page.waitForTimeout(300);
    const cur = await page.evaluate(() => document.getElementById('player').currentTime);
    check(`click on moment ${i + 1} seeks the player`, Math.abs(cur - t) < 0.5, `currentTime ${cur}, moment at ${t}`);
  }
  await page.screenshot({ path: shot, fullPage: true });
} finally {
  await browser.close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
