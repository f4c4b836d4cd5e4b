// One CSV through the web console, as a person would send it: sign in,
// upload, keep the suggested phone column, start, wait for 100%, download.
// Prints one JSON object: seconds per phase (upload = file chosen to column
// picker shown; run = start clicked to the finished page; download = click
// to file saved) and the job as the API answers it at the end. Run by
// bench/console_1m.sh, which also watches the server's memory.
//
// usage: node console_1m.mjs BASE TOKEN CSV DOWNLOAD_DIR
import { join } from 'node:path';
import { statSync } from 'node:fs';

// playwright-core is installed for the browser tests (tests/browser).
const { chromium } = await import(
  new URL('../tests/browser/node_modules/playwright-core/index.mjs', import.meta.url));

const [base, token, csv, downloadDir] = process.argv.slice(2);
const HOUR = 3_600_000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const out = {};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.setDefaultTimeout(HOUR);
  await page.goto(`${base}/console`);
  await page.fill('#token', token);
  await page.click('#signin-button');
  await page.locator('#console').waitFor({ state: 'visible' });

  let t = Date.now();
  await page.setInputFiles('#file', csv);
  await page.click('#upload-button');
  await page.locator('#picker').waitFor({ state: 'visible' });
  out.upload_s = (Date.now() - t) / 1000;
  // The options bench/console_1m.sh gives `phonebulk submit` to compare.
  await page.selectOption('#phone-column', 'phone');
  await page.selectOption('#country-column', 'country');
  await page.selectOption('#output-format', 'E164');

  t = Date.now();
  await page.click('#start-button');
  await page.waitForFunction(() => ['completed', 'failed'].includes(
    document.querySelector('#job')?.dataset.status), null, { timeout: HOUR, polling: 1000 });
  out.run_s = (Date.now() - t) / 1000;
  out.status = await page.evaluate(() => document.querySelector('#job').dataset.status);
  out.js_heap_mb = await page.evaluate(() => performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null);
  const id = await page.evaluate(() => sessionStorage.getItem('phonebulk.job'));
  out.job = await (await fetch(`${base}/v1/files/${id}`, {
    headers: { Authorization: `Bearer ${token}` },
  })).json();
  if (out.status === 'completed') {
    t = Date.now();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(downloadDir, 'console-1m.csv');
    await download.saveAs(file);
    out.download_s = (Date.now() - t) / 1000;
    out.download_bytes = statSync(file).size;
    out.download_file = file;
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
