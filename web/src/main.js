// The console's entry point: sign-in, and the lists of jobs and batches.
// Nothing here holds per-row data: the server counts, the page shows.

import * as api from './api.js';
import { $, h, clear, formatNumber, formatTime, plural } from './dom.js';
import { showJob, hideJob, shownJobId, setOnFinished, setOnProgress, download } from './job.js';
import { initUpload, resetUpload, setOnStarted, showPicker } from './upload.js';

const MAX_BATCHES_SHOWN = 100;
const BATCHES_REFRESH_MS = 15_000;  // while a job runs (rate limit: job.js)

// What a person should read for each way a token can fail.
function signInMessage(error) {
  switch (error.status) {
    case 401:
      return 'This token is not recognised by this server. Check that it was copied whole ' +
        '(phonebulk token create prints it on its last line).';
    case 403:
      return `This token may not be used here: ${error.message}`;
    case 400:
      return `The server refused the token: ${error.message}`;
    case 429:
      return `Too many attempts: ${error.message}`;
    case 0:
      return error.message;
    default:
      return `Signing in failed: ${error.message}`;
  }
}

function showSignedOut(message = '') {
  hideJob();
  resetUpload();
  $('#console').hidden = true;
  $('#account').hidden = true;
  $('#signin').hidden = false;
  $('#signin-error').textContent = message;
  $('#token').value = '';
}

async function signIn(token, { restoring = false } = {}) {
  const button = $('#signin-button');
  button.disabled = true;
  $('#signin-error').textContent = '';
  try {
    // Any phone-bulk token may list its account's batches: a cheap check
    // that answers 401 or 403 exactly as every other call would.
    const batches = await api.listBatches(token);
    api.saveToken(token);
    $('#signin').hidden = true;
    $('#console').hidden = false;
    $('#account').hidden = false;
    renderBatches(batches);
    const jobs = await refreshJobs();
    // After a reload, the job that was shown, or else one still running.
    const wanted = shownJobId();
    const job = jobs.find((j) => j.id === wanted) ?? jobs.find((j) => j.status === 'running');
    if (job) showJob(job);
    if (!restoring) {
      $('#upload-title').tabIndex = -1;
      $('#upload-title').focus();
    }
  } catch (e) {
    api.forgetToken();
    showSignedOut(signInMessage(e));
    $('#token').focus();
  } finally {
    button.disabled = false;
  }
}

const STATUS_CLASS = { completed: 'ok', failed: 'bad', stopped: 'bad', running: 'busy', processing: 'busy' };

function statusBadge(status) {
  return h('span', { className: `badge ${STATUS_CLASS[status] ?? ''}` }, status);
}

// The account's file jobs, newest first; [] when the server has none (or
// no file-job API at all).
async function refreshJobs() {
  const status = $('#jobs-status');
  let jobs = [];
  try {
    jobs = await api.listJobs();
    status.textContent = jobs.length ? '' : 'No file jobs yet.';
  } catch (e) {
    if (e.status === 401) {
      signedOutByServer();
      return [];
    }
    status.textContent = e.status === 404
      ? 'This server does not offer file jobs (/v1/files answered 404).'
      : `Could not list the file jobs: ${e.message}`;
  }
  const body = clear($('#jobs-table tbody'));
  for (const job of jobs) {
    const open = h('button', { type: 'button', className: 'secondary', 'aria-label': `Open ${job.name}` }, 'Open');
    open.addEventListener('click', () => {
      // Not started yet: back to its column picker.
      if (job.status === 'uploaded' && job.columns) {
        hideJob();
        showPicker(job);
        $('#phone-column').focus();
      } else {
        showJob(job, { focus: true });
      }
    });
    body.append(h('tr', { 'data-job': job.id },
      h('td', { className: 'name' }, job.name),
      h('td', {}, statusBadge(job.status)),
      h('td', { className: 'num' }, job.summary?.rows !== undefined ? formatNumber(job.summary.rows) : ''),
      h('td', {}, formatTime(job.created_at)),
      h('td', {}, open)));
  }
  renderCredits(jobs);
  return jobs;
}

function renderBatches(batches) {
  const body = clear($('#batches-table tbody'));
  for (const b of batches.slice(0, MAX_BATCHES_SHOWN)) {
    body.append(h('tr', { 'data-batch': b.batch_id },
      // The first 8 digits tell batches apart; the whole id is in title.
      h('td', { className: 'name' }, h('code', { title: b.batch_id }, `${b.batch_id.slice(0, 8)}\u2026`),
        b.batch_reference_id ? h('span', { className: 'muted small block' }, b.batch_reference_id) : ''),
      h('td', {}, statusBadge(b.status), b.reason ? h('span', { className: 'muted small block' }, b.reason) : ''),
      h('td', { className: 'num' }, `${formatNumber(b.records_processed ?? 0)} / ${formatNumber(b.records ?? 0)}`),
      h('td', {}, formatTime(b.date_submitted))));
  }
  $('#batches-status').textContent = batches.length === 0
    ? 'No batches yet.'
    : batches.length > MAX_BATCHES_SHOWN
      ? `The newest ${MAX_BATCHES_SHOWN} of ${formatNumber(batches.length)} batches.`
      : `${plural(batches.length, 'batch', 'batches')}.`;
}

async function refreshBatches() {
  try {
    renderBatches(await api.listBatches());
  } catch (e) {
    if (e.status === 401) {
      signedOutByServer();
      return;
    }
    $('#batches-status').textContent = `Could not list the batches: ${e.message}`;
  }
}

// The account's balance (GET /v1/account), read again whenever the jobs
// are, and what the completed file jobs charged.
async function renderCredits(jobs) {
  const charged = jobs.reduce((sum, j) => sum + (Number(j.summary?.credits) || 0), 0);
  const done = jobs.filter((j) => j.summary?.credits !== undefined).length;
  const spent = done
    ? h('span', { className: 'block' }, 'Your completed file jobs charged ',
      h('strong', { 'data-figure': 'credits.jobs', 'data-value': charged }, formatNumber(charged)),
      ` credits (${plural(done, 'job', 'jobs')}).`)
    : h('span', { className: 'block' }, 'No file job has charged credits yet.');
  let balance;
  try {
    const account = await api.getAccount();
    balance = h('span', { className: 'block' }, `Account ${account.name}: `,
      h('strong', { 'data-figure': 'credits.balance', 'data-value': account.credits },
        formatNumber(account.credits)),
      ' credits left, one for each number sent.');
  } catch (e) {
    balance = h('span', { className: 'block' }, `Could not read the balance: ${e.message}`);
  }
  $('#credits-text').replaceChildren(balance, spent);
}

function signedOutByServer() {
  api.forgetToken();
  showSignedOut('The server no longer accepts this token. Sign in again.');
}

async function refreshAll() {
  await Promise.all([refreshJobs(), refreshBatches()]);
}

function init() {
  initUpload();
  setOnStarted(async (job) => {
    showJob(job, { focus: true });
    await refreshJobs();
  });
  setOnFinished(() => refreshAll());
  let batchesAt = 0;
  setOnProgress(() => {
    if (Date.now() - batchesAt < BATCHES_REFRESH_MS) return;
    batchesAt = Date.now();
    refreshBatches();
  });
  $('#signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('#token').value.trim();
    if (!token) {
      $('#signin-error').textContent = 'Paste a token first.';
      $('#token').focus();
      return;
    }
    signIn(token);
  });
  $('#sign-out').addEventListener('click', () => {
    api.forgetToken();
    showSignedOut();
    $('#token').focus();
  });
  $('#refresh').addEventListener('click', refreshAll);
  $('#download').addEventListener('click', download);
  const saved = api.savedToken();
  if (saved) signIn(saved, { restoring: true });
}

init();
