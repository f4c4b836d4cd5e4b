// Drives the web console (/console of a running `phonebulk serve`) in
// Debian's chromium, headless, as a person would, and prints what it saw
// as JSON on stdout for tests/integration/console_test.cc to check:
//   signin:     the message after a wrong token, and the page once signed in
//               (batches listed, credits text, the file-job list's status);
//   job:        (with "csv") the picker as the upload answer filled it, the
//               progress seen while polling, the state after a reload in
//               the middle of the job, every figure on the finished page by
//               its data-figure key, the job as the API answers it, and the
//               path of the downloaded file;
//   a11y:       form controls without a label, and whether the keyboard
//               reaches the sign-in field;
//   overflow:   whether the page scrolls sideways at 1280, 360 and 320 pixels;
//   requests:   every URL asked for outside the server's origin (none);
//   errors:     console errors (a CSP violation is one) and page errors,
//               except chromium's line for each API answer of 401 or 404,
//               which the steps cause on purpose (a wrong token; a server
//               without /v1/files): those are counted in http_errors.
// Screenshots go to SHOTS-<step>.png.
//
// usage: node console.mjs CONFIG.json, where CONFIG holds
//   {"base": "http://127.0.0.1:PORT", "token": "...", "bad_token": "...",
//    "shots": "PREFIX", "csv": "FILE" (optional), "phone_column": "...",
//    "country_column": "..." (optional), "output_format": "E164",
//    "download_dir": "DIR"}
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const STEP_MS = 30_000;       // one step: a page load, a sign-in, an upload
const JOB_MS = 120_000;       // the whole job, upload to 100%

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Root in a container has no user namespaces for chromium's sandbox.
  args: ['--no-sandbox'],
});
const out = { requests: [], errors: [], http_errors: 0 };
const EXPECTED = /^Failed to load resource: the server responded with a status of 40[14] /;
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  let page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  watch(page);
  const shot = (step) => page.screenshot({ path: `${config.shots}-${step}.png`, fullPage: true });
  const text = (selector) => page.locator(selector).innerText();

  await page.goto(`${config.base}/console`);
  await page.locator('#token').waitFor({ state: 'visible' });
  // The keyboard alone gets to the token field: Tab from the top of the
  // page passes the skip link, then reaches it.
  let reached = false;
  for (let i = 0; i < 5 && !reached; ++i) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'token');
  }
  out.a11y = { keyboard_reaches_token: reached };
  await shot('signin');

  // A wrong token: a message, and still signed out.
  await page.fill('#token', config.bad_token);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#signin-error').textContent !== '');
  out.signin = {
    wrong_token_message: await text('#signin-error'),
    wrong_token_console_hidden: await page.locator('#console').isHidden(),
  };
  await shot('wrong-token');

  // The right one.
  await page.fill('#token', config.token);
  await page.click('#signin-button');
  await page.locator('#console').waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelector('#jobs-status').textContent !== '' ||
    document.querySelector('#jobs-table tbody').rows.length > 0);
  out.signin.batches = await page.$$eval('#batches-table tbody tr', (rows) => rows.map((r) => ({
    id: r.dataset.batch, status: r.cells[1].querySelector('.badge').textContent,
  })));
  out.signin.batches_status = await text('#batches-status');
  // The balance comes from its own call (GET /v1/account) after the lists.
  await page.locator('#credits-text [data-figure="credits.balance"]').waitFor();
  out.signin.credits = await text('#credits-text');
  out.signin.balance = Number(await page.getAttribute('#credits-text [data-figure="credits.balance"]', 'data-value'));
  out.signin.jobs_status = await text('#jobs-status');
  out.signin.token_in_url = page.url().includes(config.token);
  out.signin.token_in_session_storage = await page.evaluate(
    (t) => Object.values(sessionStorage).includes(t), config.token);
  out.signin.cookies = (await context.cookies()).length;
  out.a11y.unlabelled = await page.$$eval('input, select, textarea', (els) =>
    els.filter((e) => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.outerHTML.slice(0, 60)));
  await shot('home');

  if (config.csv) {
    const run = await runJob(page, shot, text);
    out.job = run.job;
    // The checks below run on the page the job left open.
    page = run.page ?? page;
  }

  const sideways = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  out.overflow = { wide: await sideways() };
  await page.setViewportSize({ width: 360, height: 800 });
  out.overflow.narrow = await sideways();
  await shot('narrow');
  // 320 px: the width WCAG's reflow criterion asks for; tables that no
  // longer fit must scroll inside their own box.
  await page.setViewportSize({ width: 320, height: 800 });
  out.overflow.narrowest = await sideways();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));

// Records what `p` asks of other origins and what it logs as errors.
function watch(p) {
  const origin = new URL(config.base).origin;
  p.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) {
      out.requests.push(url);
    }
  });
  p.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (EXPECTED.test(m.text())) ++out.http_errors;
    else out.errors.push(m.text());
  });
  p.on('pageerror', (e) => out.errors.push(String(e)));
}

// Upload, pick, start, watch, reload, read the charts, download; then a
// new tab. Returns {job, page}: what was seen, and the page left open.
async function runJob(page, shot, text) {
  const job = {};
  await page.setInputFiles('#file', config.csv);
  await page.click('#upload-button');
  await page.locator('#picker').waitFor({ state: 'visible' });
  job.picker = {
    columns: await page.$$eval('#phone-column option', (os) => os.map((o) => o.value)),
    suggested_phone: await page.inputValue('#phone-column'),
    suggested_country: await page.inputValue('#country-column'),
    preview_rows: await page.locator('#preview tbody tr').count(),
  };
  await page.selectOption('#phone-column', config.phone_column);
  await page.selectOption('#country-column', config.country_column ?? '');
  await page.selectOption('#output-format', config.output_format ?? 'E164');
  job.picker.marked = await page.$$eval('#preview thead th.picked', (ths) => ths.map((t) => t.firstChild.textContent));
  await shot('picker');
  await page.click('#start-button');

  // Progress as the page shows it, every time it changes, until 100%.
  const seen = [];
  const record = async () => {
    const s = await page.evaluate(() => ({
      status: document.querySelector('#job').dataset.status,
      percent: Number(document.querySelector('#job-progress').value),
      text: document.querySelector('#job-progress-text').textContent,
      live: document.querySelector('#job-announce').getAttribute('aria-live'),
    }));
    const last = seen[seen.length - 1];
    if (!last || last.percent !== s.percent || last.status !== s.status) seen.push(s);
    return s;
  };
  await page.locator('#job').waitFor({ state: 'visible' });
  job.id = await page.evaluate(() => sessionStorage.getItem('phonebulk.job'));
  const deadline = Date.now() + JOB_MS;
  let reloaded = false;
  let shotTaken = false;
  for (;;) {
    const s = await record();
    if (s.status === 'completed' || s.status === 'failed') break;
    if (Date.now() > deadline) throw new Error(`the job did not end: ${JSON.stringify(s)}`);
    if (!shotTaken && s.status === 'running' && s.percent > 0) {
      await shot('progress');
      shotTaken = true;
    }
    // While it runs: a reload must show it still running.
    if (!reloaded && s.status === 'running') {
      await page.reload();
      await page.locator('#job').waitFor({ state: 'visible' });
      job.after_reload = await record();
      job.after_reload.same_job = job.id === await page.evaluate(() => sessionStorage.getItem('phonebulk.job'));
      job.after_reload.listed = await page.$$eval('#jobs-table tbody tr', (rows, id) =>
        rows.filter((r) => r.dataset.job === id).map((r) => r.cells[1].textContent), job.id);
      reloaded = true;
    }
    await page.waitForFunction((prev) => {
      const j = document.querySelector('#job');
      return j.dataset.status !== prev.status ||
        Number(document.querySelector('#job-progress').value) !== prev.percent;
    }, s, { timeout: Math.max(1, deadline - Date.now()) });
  }
  job.progress = seen;
  if (!shotTaken) await shot('progress');  // too fast to catch under way
  job.status = await page.evaluate(() => document.querySelector('#job').dataset.status);
  job.error = await text('#job-error');
  if (job.status !== 'completed') return { job };

  await page.locator('#charts .chart').first().waitFor();
  job.figures = await page.$$eval('#job [data-figure]', (els) => {
    const figures = {};
    for (const el of els) {
      const r = el.getBoundingClientRect();
      (figures[el.dataset.figure] ??= []).push({
        value: Number(el.dataset.value), text: el.textContent, visible: r.width > 0 && r.height > 0,
      });
    }
    return figures;
  });
  job.api = await (await fetch(`${config.base}/v1/files/${job.id}`, {
    headers: { Authorization: `Bearer ${config.token}` },
  })).json();
  await shot('done');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  job.download_name = download.suggestedFilename();
  job.download = join(config.download_dir, 'console-download.csv');
  await download.saveAs(job.download);
  await page.waitForFunction(() => document.querySelector('#download-status').textContent.startsWith('Downloaded'));

  // The tab closed and a new one opened: the token must be pasted again
  // (sessionStorage went with the tab), then the job is listed.
  await page.close();
  const again = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  again.setDefaultTimeout(STEP_MS);
  watch(again);
  await again.goto(`${config.base}/console`);
  await again.locator('#token').waitFor({ state: 'visible' });
  job.new_tab = { asks_for_token: await again.locator('#console').isHidden() };
  await again.fill('#token', config.token);
  await again.click('#signin-button');
  await again.locator(`#jobs-table tr[data-job="${job.id}"]`).waitFor();
  job.new_tab.listed = await again.$$eval(`#jobs-table tr[data-job="${job.id}"]`,
    (rows) => rows.map((r) => r.cells[1].textContent));
  return { job, page: again };
}
