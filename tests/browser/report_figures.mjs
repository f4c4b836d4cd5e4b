// Opens a `phonebulk submit --report FILE.html` page in Debian's chromium,
// headless, and prints what a reader of the page sees as JSON on stdout:
//   figures:  {"valid.yes": [{"value": 5, "text": "5", "visible": true}], ...}
//             every element marked data-figure (report.h), by its path:
//             its data-value, its text and whether it takes up space;
//   requests: every URL the page asked for besides itself (must be none);
//   errors:   console errors and page errors;
//   overflow: {wide, narrow}: whether the page scrolls sideways at 1280
//             and at 360 pixels (a layout that breaks on a narrow window).
// Screenshots of both widths go to SHOT_PREFIX-wide.png / -narrow.png.
//
// usage: node report_figures.mjs REPORT.html SHOT_PREFIX
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [html, shots] = process.argv.slice(2);
if (!html || !shots) {
  console.error('usage: node report_figures.mjs REPORT.html SHOT_PREFIX');
  process.exit(2);
}
const url = pathToFileURL(resolve(html)).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Root in a container has no user namespaces for chromium's sandbox.
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  const errors = [];
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  // A figure may be shown twice (a tile and a chart): every element is
  // kept, so the test can check that all of them agree.
  const figures = await page.$$eval('[data-figure]', (els) => {
    const out = {};
    for (const el of els) {
      const r = el.getBoundingClientRect();
      (out[el.dataset.figure] ??= []).push({
        value: Number(el.dataset.value),
        text: el.textContent,
        visible: r.width > 0 && r.height > 0,
      });
    }
    return out;
  });
  const sideways = () => page.evaluate(
    () => document.documentElement.scrollWidth > window.innerWidth);
  const overflow = { wide: await sideways() };
  await page.screenshot({ path: `${shots}-wide.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  overflow.narrow = await sideways();
  await page.screenshot({ path: `${shots}-narrow.png`, fullPage: true });
  const title = await page.title();
  console.log(JSON.stringify({ title, figures, requests, errors, overflow }));
} finally {
  await browser.close();
}
