// Small DOM helpers. Everything the console shows is built with
// textContent and createElement: no HTML strings, so nothing a CSV or the
// server says can become markup.

export const $ = (selector, root = document) => root.querySelector(selector);

// h('td', {className: 'num'}, 'text', childNode, ...). Attributes named
// like properties (className, hidden) are set as properties, the rest
// (aria-*, data-*) as attributes.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key in el && !key.includes('-')) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

const numbers = new Intl.NumberFormat('en');
export const formatNumber = (n) => numbers.format(Math.round(Number(n) || 0));

// "1 batch", "2,000 batches".
export const plural = (n, one, many) => `${formatNumber(n)} ${n === 1 ? one : many}`;

export function formatPercent(part, whole) {
  if (!whole) return '0%';
  const p = (100 * part) / whole;
  if (p > 0 && p < 0.1) return '<0.1%';
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

// "1 h 02 min", "3 min 05 s", "12 s": an ETA is read, not parsed.
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
