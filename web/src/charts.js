// The job's figures as bar charts: plain HTML, not a chart library. Each
// bar is a row of text (label, number, share) that a screen reader reads
// as a list and that stays legible at any width; the coloured bar is
// decoration beside it (aria-hidden). Every number carries the report's
// JSON key in data-figure, as `submit --report`'s page does, so a test
// can check that the console shows exactly the job's figures.

import { h, formatNumber, formatPercent } from './dom.js';

// One chart: a heading and a list of {key, label, value} bars, scaled to
// the largest, with shares of `total`.
function barChart(title, figurePrefix, items, total, note) {
  const max = Math.max(1, ...items.map((i) => i.value));
  const list = h('ul', { className: 'bars' });
  for (const item of items) {
    const fill = h('span', { className: 'bar-fill' });
    // The width is set through the CSSOM, which a CSP without
    // 'unsafe-inline' allows (a style="" attribute it would block).
    fill.style.width = `${(100 * item.value) / max}%`;
    list.append(
      h('li', { className: 'bar' },
        h('span', { className: 'bar-label' }, item.label),
        h('span', { className: 'bar-value' },
          h('span', { 'data-figure': `${figurePrefix}.${item.key}`, 'data-value': item.value },
            formatNumber(item.value)),
          h('span', { className: 'share' }, ` (${formatPercent(item.value, total)})`)),
        h('span', { className: 'bar-track', 'aria-hidden': 'true' }, fill)));
  }
  const figure = h('section', { className: 'chart', 'aria-label': title },
    h('h3', {}, title));
  if (items.length === 0) figure.append(h('p', { className: 'muted' }, 'None.'));
  else figure.append(list);
  if (note) figure.append(h('p', { className: 'muted small' }, note));
  return figure;
}

const TOP_COUNTRIES = 10;

// The charts of a completed job's `report` (docs/client.md, "Report").
export function renderCharts(report) {
  const valid = report.valid ?? {};
  const validItems = Object.entries(valid)
    .map(([key, value]) => ({ key, value, label: { yes: 'Valid', no: 'Invalid', empty: 'Empty' }[key] ?? key }));
  const rows = report.rows ?? validItems.reduce((a, i) => a + i.value, 0);
  const validRows = valid.yes ?? 0;

  const byName = (list) => (list ?? []).map((i) => ({ key: i.name, label: i.name, value: i.rows }));
  const countries = report.countries ?? [];
  const shown = countries.slice(0, TOP_COUNTRIES)
    .map((c) => ({ key: c.code, label: c.name ? `${c.name} (${c.code})` : c.code, value: c.rows }));
  const rest = countries.slice(TOP_COUNTRIES);
  const restNote = rest.length
    ? `${formatNumber(rest.length)} more countries with ${formatNumber(rest.reduce((a, c) => a + c.rows, 0))} valid rows.`
    : '';

  return [
    barChart('Valid and invalid rows', 'valid', validItems, rows),
    barChart('Line types of the valid numbers', 'line_types', byName(report.line_types), validRows),
    barChart(`Top countries of the valid numbers`, 'countries', shown, validRows, restNote),
    barChart('Confidence', 'confidence', byName(report.confidence), rows),
  ];
}
