// tests/wall/wall_test.mjs URL OUT.json SHOT.png DETAIL_AGENT
// Loads the supervisor's wall in headless Chromium (Debian's /usr/bin/chromium), waits for the
// tiles, and dumps what a supervisor sees: per tile its counts, status and prompt text; whether
// any text from an agent ran as markup; the timeline of one agent after a click. wall_test.sh
// compares it with each call's summary.
import { chromium } from 'playwright-core';
import fs from 'node:fs';

const [url, outFile, shot, detailAgent, expectTiles] = process.argv.slice(2);
const sleep = ms => new Promise(r => setTimeout(r, ms));
// polls in the page (waitForFunction would evaluate a string there, which the page's CSP forbids)
async function until(page, fn, arg, ms) {
  const end = Date.now() + ms;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error('timed out: ' + fn.toString().slice(0, 120));
    await sleep(25);
  }
}
const out = { errors: [], requests: [], tiles: [], detail: null };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', m => { if (m.type() === 'error') out.errors.push(m.text()); });
  page.on('pageerror', e => out.errors.push(String(e)));
  page.on('request', r => out.requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  await until(page, n => document.querySelectorAll('.tile').length >= n, Number(expectTiles), 15000);
  await page.waitForTimeout(1500);     // one more round of updates
  out.tiles = await page.$$eval('.tile', l => l.map(d => ({
    agent: d.dataset.agent,
    counts: Object.fromEntries([...d.querySelectorAll('.count')].map(c => [c.dataset.k, Number(c.dataset.v)])),
    status: d.querySelector('.status').textContent,
    prompt: d.querySelector('.prompt').textContent,
    lost: d.querySelector('.lost').textContent,
    events: Number(d.dataset.events),
  })));
  out.pwned = await page.evaluate(() => window.pwned || null);
  out.injected = await page.evaluate(() => document.querySelectorAll('#tiles img, #tiles script, #tiles b#pwn').length);
  await page.screenshot({ path: shot, fullPage: false });
  await page.click('.tile[data-agent="' + detailAgent + '"]');
  await page.waitForSelector('#detail.open', { timeout: 5000 });
  await page.waitForTimeout(300);
  out.detail = await page.evaluate(() => ({
    title: document.getElementById('d-title').textContent,
    prompts: document.querySelectorAll('#d-prompts li').length,
    rects: document.querySelectorAll('#d-svg rect').length,
  }));
  await page.screenshot({ path: shot.replace(/\.png$/, '-call.png') });
} finally {
  await browser.close();
}
fs.writeFileSync(outFile, JSON.stringify(out));
