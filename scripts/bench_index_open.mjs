// scripts/bench_index_open.mjs INDEX.html -- (run by scripts/bench_index.sh) how long Debian's
// chromium takes to show an index: page load until the worst calls and the rollups are drawn, and
// the first sort by another column (which loads every chunk). Prints seconds; asserts nothing.
import { chromium } from 'playwright-core';
import path from 'node:path';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const t0 = Date.now();
  await page.goto('file://' + path.resolve(process.argv[2]), { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('#calls tbody tr').length > 0 &&
                                   document.querySelectorAll('#roll-agents tbody tr').length > 0);
  const t1 = Date.now();
  const shown = await page.locator('#calls tbody tr').count();
  await page.click('#calls th[data-k="7"]');
  await page.waitForFunction(() => window.tmIndex.loaded() && !/loading/.test(document.getElementById('pager').textContent),
                             null, { timeout: 120000 });
  const t2 = Date.now();
  const total = await page.evaluate(() => window.tmIndex.rows());
  console.log(`chromium: index shown in ${((t1 - t0) / 1000).toFixed(2)} s (${shown} rows drawn, rollups drawn); ` +
              `first sort by duration, loading all ${total} calls: ${((t2 - t1) / 1000).toFixed(2)} s`);
} finally { await browser.close(); }
