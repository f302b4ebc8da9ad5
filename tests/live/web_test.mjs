// tests/live/web_test.mjs URL_FILE CLOCK_FILE RELOAD_AT END_AT OUT.json SHOT.png
// Drives headless Chromium (Debian's /usr/bin/chromium) on `tonemon live --web` while a call
// plays: records, in the browser, the wall-clock moment each prompt first appears in the page
// and the meter widths every 50 ms; reloads the page at RELOAD_AT s of the call (from the
// call as the feeder played it, CLOCK_FILE) and checks the call so far comes back; takes a screenshot near
// the end; at END_AT reads the page, then waits for the server to go with the call and for
// another run on the same port (next.wav), which the page must follow by itself. CLOCK_FILE is web_feeder's log
// (its first line: the wall time of the first frame). The checks on the timing are
// made by web_test.sh against the call's own analysis.
import { chromium } from 'playwright-core';
import fs from 'node:fs';

const [urlFile, clockFile, reloadAt, endAt, outFile, shot] = process.argv.slice(2);
const sleep = ms => new Promise(r => setTimeout(r, ms));
async function waitFor(fn, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) { const v = fn(); if (v) return v; if (Date.now() > end) throw new Error('timed out waiting for ' + what); await sleep(20); }
}
// polls a predicate in the page (waitForFunction would evaluate a string there, which the page's
// Content-Security-Policy rightly forbids)
async function until(page, fn, arg, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await page.evaluate(fn, arg)) return; } catch (e) { /* navigating */ }
    if (Date.now() > end) throw new Error('timed out: ' + fn.toString().slice(0, 120));
    await sleep(25);
  }
}
const url = await waitFor(() => { try { const m = /live view on (http:\S+)/.exec(fs.readFileSync(urlFile, 'utf8')); return m && m[1]; } catch { return null; } }, 'the live view URL');

const out = { seen: {}, meters: [], errors: [], requests: [], reload: {}, history: [], prompt: '' };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1120, height: 860 } });
  page.on('console', m => { if (m.type() === 'error') out.errors.push(m.text()); });
  page.on('pageerror', e => out.errors.push(String(e)));
  page.on('request', r => out.requests.push(r.url()));
  await page.exposeFunction('tmSeen', (key, wall) => { if (!(key in out.seen)) out.seen[key] = wall / 1000; });
  await page.exposeFunction('tmMeter', (wall, a, c) => { out.meters.push([wall / 1000, a, c]); });
  await page.addInitScript(() => {
    window.addEventListener('DOMContentLoaded', () => {
      const h = document.getElementById('history');
      const report = () => {
        const now = Date.now();   // the moment the prompt is in the page, by the browser's clock
        for (const li of h.querySelectorAll('li[data-key]'))
          if (!li.dataset.reported) { li.dataset.reported = '1'; window.tmSeen(li.dataset.key, now); }
      };
      new MutationObserver(report).observe(h, { childList: true });
      const w = id => parseFloat(document.querySelector('#' + id + ' .fill').style.width) || 0;
      setInterval(() => window.tmMeter(Date.now(), w('meter-agent'), w('meter-caller')), 50);
    });
  });
  await page.goto(url, { waitUntil: 'load' });
  // the call's own time: how far the feeder has played (the dummy server may run late)
  const clock = () => { try { const l = fs.readFileSync(clockFile, 'utf8').trim().split('\n'); return l[0] ? l.map(x => x.split(' ').map(Number)) : null; } catch { return null; } };
  const atStream = async s => waitFor(() => { const c = clock(); return c && c[c.length - 1][1] >= s * 16000; }, `stream time ${s} s`, 600000);
  await atStream(0);
  const t0 = clock()[0][0];
  out.t0 = t0;
  await atStream(Number(reloadAt));
  const before = await page.$$eval('#history li[data-key]', l => l.map(x => x.dataset.key));
  const r0 = Date.now();
  await page.reload({ waitUntil: 'load' });
  let after = [];
  try {
    await until(page, n => document.querySelectorAll('#history li[data-key]').length >= n &&
                           document.getElementById('conn').textContent === 'live', before.length, 5000);
    after = await page.$$eval('#history li[data-key]', l => l.map(x => x.dataset.key));
  } catch (e) { out.errors.push('after reload: ' + e.message); }
  out.reload = { at: Number(reloadAt), before, after, resumed_s: (Date.now() - r0) / 1000 };
  await atStream(Number(endAt) - 2.5);
  await page.screenshot({ path: shot, fullPage: true });
  await atStream(Number(endAt));
  out.history = await page.$$eval('#history li[data-key]', l => l.map(x => ({ key: x.dataset.key, count: Number(x.dataset.count), text: x.textContent })));
  out.prompt = await page.$eval('#prompt', e => ({ text: e.textContent, cls: e.className }));
  out.state = await page.evaluate(async () => (await fetch('state')).json());
  // the call ends and its server goes; another run on the same port: the page follows by itself
  out.errors_before_end = out.errors.length;
  const r1 = Date.now();
  try {
    await until(page, () => document.getElementById('conn').textContent === 'reconnecting', null, 20000);
    await until(page, () => document.getElementById('callname').textContent === 'next.wav' &&
                            document.getElementById('conn').textContent === 'live' &&
                            document.querySelectorAll('#history li').length === 0, null, 30000);
    out.restart = { ok: true, s: (Date.now() - r1) / 1000 };
  } catch (e) { out.restart = { ok: false, error: e.message }; }
} finally {
  await browser.close();
}
fs.writeFileSync(outFile, JSON.stringify(out));
