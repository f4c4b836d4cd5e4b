// One file job on screen: its progress while it runs (polled, one small
// JSON every 2 s, whatever the file's size), then its summary, charts and
// the download button.

import * as api from './api.js';
import { renderCharts } from './charts.js';
import { $, h, clear, formatNumber, formatDuration, formatTime } from './dom.js';

// The job's own calls count against the account's rate limit too (150 a
// minute by default), so the page asks every 2 s, and backs off to 30 s
// while the server refuses or cannot be reached.
const POLL_MS = 2000;
const MAX_POLL_MS = 30_000;
const JOB_KEY = 'phonebulk.job';

let current = null;   // the job shown
let timer = 0;        // the next poll
// Bumped whenever the job shown changes or is shown again, so that a poll
// already in flight for the old view ends instead of starting a second
// chain of polls.
let generation = 0;
let lastAnnounced = '';
let onFinished = () => {};
let onProgress = () => {};

export function shownJobId() {
  return current?.id ?? sessionStorage.getItem(JOB_KEY) ?? '';
}

export function setOnFinished(callback) {
  onFinished = callback;
}

// Called after each poll of a running job (main.js refreshes the batches
// now and then, so the job's batches are seen as they go).
export function setOnProgress(callback) {
  onProgress = callback;
}

export function hideJob() {
  clearTimeout(timer);
  ++generation;
  current = null;
  sessionStorage.removeItem(JOB_KEY);
  $('#job').hidden = true;
}

// Shows `job` and keeps it fresh until it ends. `focus` moves the
// keyboard there (after a start or an "Open"), not after a reload.
export function showJob(job, { focus = false } = {}) {
  clearTimeout(timer);
  ++generation;
  const changed = current?.id !== job.id;
  current = job;
  sessionStorage.setItem(JOB_KEY, job.id);
  if (changed) {
    lastAnnounced = '';
    clear($('#charts'));
    clear($('#job-summary'));
  }
  render(job);
  $('#job').hidden = false;
  if (focus) {
    $('#job-title').tabIndex = -1;
    $('#job-title').focus();
  }
  // A list entry without its report is completed by one more fetch.
  if (job.status === 'running' || job.status === 'uploaded' ||
      (job.status === 'completed' && !job.report)) {
    schedule();
  }
}

function schedule(delay = POLL_MS) {
  const mine = generation;
  timer = setTimeout(() => poll(mine, delay), delay);
}

async function poll(mine, delay) {
  const id = current?.id;
  if (!id || mine !== generation) return;
  try {
    const job = await api.getJob(id);
    if (mine !== generation) return;  // shown again or replaced meanwhile
    $('#job-error').textContent = '';
    const was = current.status;
    current = job;
    render(job);
    if (job.status === 'running' || job.status === 'uploaded') {
      schedule();
      onProgress(job);
    } else if (was !== job.status) {
      onFinished(job);
    }
  } catch (e) {
    if (mine !== generation) return;
    $('#job-error').textContent = `Could not refresh the job: ${e.message}`;
    // A lost connection or a restart is waited out; a job that is gone
    // (404) is not.
    if (e.status !== 404 && e.status !== 401) schedule(Math.min(MAX_POLL_MS, delay * 2));
  }
}

// Announced to screen readers only at each tenth and at a change of
// status, not at every poll.
function announce(text) {
  if (text === lastAnnounced) return;
  lastAnnounced = text;
  $('#job-announce').textContent = text;
}

const STATUS_WORDS = {
  uploaded: 'Uploaded, not started',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
};

function render(job) {
  $('#job-title').textContent = job.name;
  $('#job').dataset.status = job.status;
  $('#job-meta').textContent = [
    STATUS_WORDS[job.status] ?? job.status,
    `created ${formatTime(job.created_at)}`,
    job.completed_at ? `finished ${formatTime(job.completed_at)}` : '',
  ].filter(Boolean).join(' · ');

  const p = job.progress ?? {};
  const done = job.status === 'completed';
  const percent = done ? 100 : Math.max(0, Math.min(100, Number(p.percent) || 0));
  const bar = $('#job-progress');
  bar.value = percent;
  bar.dataset.percent = String(percent);
  bar.setAttribute('aria-valuetext', `${Math.floor(percent)}%`);
  const parts = [];
  if (job.status === 'running' && !p.rows_total) {
    parts.push('Starting\u2026');
  } else if (p.rows_total !== undefined) {
    // No unit: the server counts what it has to send, which is fewer than
    // the file's rows when some are empty or repeated.
    parts.push(`${formatNumber(p.rows_done)} of ${formatNumber(p.rows_total)} (${Math.floor(percent)}%)`);
  }
  if (job.status === 'running') {
    if (p.rows_per_second) parts.push(`${formatNumber(p.rows_per_second)} a second`);
    if (p.eta_seconds !== undefined && p.eta_seconds !== null) {
      parts.push(`about ${formatDuration(p.eta_seconds)} left`);
    }
  }
  $('#job-progress-text').textContent = parts.join(' · ');
  announce(job.status === 'running'
    ? `${job.name}: ${Math.floor(percent / 10) * 10}% done`
    : `${job.name}: ${(STATUS_WORDS[job.status] ?? job.status).toLowerCase()}`);

  $('#job-error').textContent = job.status === 'failed'
    ? `The job failed: ${job.error || 'no reason was given'}` : '';
  $('#download').hidden = !done;
  if (done && !$('#charts').hasChildNodes()) {
    renderSummary(job.summary ?? {});
    if (job.report) $('#charts').append(...renderCharts(job.report));
  }
}

const SUMMARY = [
  ['rows', 'Rows'], ['phones', 'Numbers sent'], ['duplicate_rows', 'Repeated rows'],
  ['empty_rows', 'Empty rows'], ['bad_rows', 'Rows not read'], ['batches', 'Batches'],
  ['credits', 'Credits charged'],
];

function renderSummary(summary) {
  const list = h('dl', { className: 'tiles' });
  for (const [key, label] of SUMMARY) {
    if (summary[key] === undefined) continue;
    list.append(h('div', { className: 'tile' },
      h('dt', {}, label),
      h('dd', { 'data-figure': `summary.${key}`, 'data-value': summary[key] }, formatNumber(summary[key]))));
  }
  $('#job-summary').replaceChildren(list);
}

export async function download() {
  if (!current) return;
  const status = $('#download-status');
  const button = $('#download');
  button.disabled = true;
  status.textContent = 'Downloading…';
  try {
    const { blob, name } = await api.downloadResult(current);
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked later: the browser reads the blob after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.textContent = `Downloaded ${name}.`;
  } catch (e) {
    status.textContent = `The download failed: ${e.message}`;
  } finally {
    button.disabled = false;
  }
}
