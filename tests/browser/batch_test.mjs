// tests/browser/batch_test.mjs MANIFEST.json
// Opens every per-call report of an --out-dir batch in headless Chromium (Debian's
// /usr/bin/chromium) and checks what a person would meet, whatever the call's file name:
// no dialog and no script but the report's own, the name shown as text, the audio of the right
// call loaded from the report's folder (its length is the input's, measured by the test, not by
// tonemon), and every marker clicked: the player moves to the moment and plays.
// MANIFEST: {"reports": [{"report": PATH, "name": DISPLAY NAME, "duration": S, "moments": N}]}.
// Index pages (issue 16) get their own function beside checkReport and a key in the manifest.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let passed = 0, failed = 0;
const check = (what, ok, detail = '') => {
  if (ok) passed++; else { failed++; console.error(`FAIL: ${what} ${detail}`); }
};

// A page with the traps every check relies on: dialogs (alert, confirm, prompt) are counted and
// dismissed, console errors and page errors collected, every request recorded.
async function openPage(browser, file) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const seen = { dialogs: [], errors: [], requests: [] };
  page.on('dialog', d => { seen.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('console', m => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', e => seen.errors.push(String(e)));
  page.on('request', r => seen.requests.push(r.url()));
  await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
  return { page, seen };
}

async function checkReport(browser, r) {
  const what = JSON.stringify(r.name);
  const { page, seen } = await openPage(browser, r.report);
  try {
    const h1 = await page.locator('h1').textContent();
    check(`${what}: the name is text in the heading`, h1 === `Call report: ${r.name}`, JSON.stringify(h1));
    // the report's code, plus its timeline data as a JSON block that never runs
    check(`${what}: only the report's own script`, await page.locator('script:not([type="application/json"])').count() === 1
          && await page.locator('script[type="application/json"]').count() === 1);
    check(`${what}: no element made from the name`, await page.locator('body img, body iframe, body object, body embed').count() === 0);
    let loaded = true;
    try {
      await page.waitForFunction(() => document.getElementById('player').readyState >= 1, null, { timeout: 15000 });
    } catch (e) { loaded = false; }
    const src = await page.evaluate(() => document.getElementById('player').currentSrc);
    check(`${what}: the audio loads`, loaded, `src ${src}`);
    if (!loaded) return;
    const dur = await page.evaluate(() => document.getElementById('player').duration);
    check(`${what}: the audio is this call's (${r.duration} s)`, Math.abs(dur - r.duration) < 0.1, `duration ${dur}`);
    const markers = page.locator('g.moment');
    const n = await markers.count();
    check(`${what}: one marker per moment`, n === r.moments, `drew ${n}, expected ${r.moments}`);
    for (let i = 0; i < n; i++) {
      const m = markers.nth(i);
      const t = Number(await m.getAttribute('data-t'));
      await m.click();
      await page.waitForTimeout(250);
      const cur = await page.evaluate(() => document.getElementById('player').currentTime);
      // the player runs on after the seek: allow the 250 ms waited and a little more
      check(`${what}: marker ${i + 1} seeks to ${t} s`, Math.abs(cur - t) < 0.8, `currentTime ${cur}`);
      if (i === 0) {
        // a loaded machine may start playback late: wait for progress rather than a fixed time
        const played = await page.waitForFunction(c => {
          const p = document.getElementById('player');
          return !p.paused && p.currentTime > c + 0.2;
        }, cur, { timeout: 10000 }).then(() => true, () => false);
        const [later, paused] = await page.evaluate(() => [document.getElementById('player').currentTime, document.getElementById('player').paused]);
        check(`${what}: the audio plays after a click`, played, `currentTime ${cur} -> ${later}, paused ${paused}`);
      }
    }
    check(`${what}: no dialog`, seen.dialogs.length === 0, seen.dialogs.join(' | '));
    check(`${what}: no console errors`, seen.errors.length === 0, seen.errors.join(' | '));
    const remote = seen.requests.filter(u => !u.startsWith('file:') && !u.startsWith('data:'));
    check(`${what}: nothing but local files fetched`, remote.length === 0, remote.join(' '));
  } finally {
    await page.close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
try {
  check('the manifest lists reports', manifest.reports.length > 0);
  for (const r of manifest.reports) await checkReport(browser, r);
} finally {
  await browser.close();
}
console.log(`browser batch: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
