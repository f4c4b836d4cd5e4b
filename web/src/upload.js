// Upload and column picker: the file goes to the server as it is; the
// picker is built from the upload answer's `columns`, `preview` and
// `suggested` (docs/console.md), so the browser never parses the CSV.

import * as api from './api.js';
import { $, h, clear } from './dom.js';

let uploaded = null;  // the upload answer being configured
let onStarted = () => {};

export function setOnStarted(callback) {
  onStarted = callback;
}

export function resetUpload() {
  uploaded = null;
  $('#picker').hidden = true;
  $('#upload-form').reset();
  $('#upload-status').textContent = '';
  $('#picker-error').textContent = '';
}

async function onUpload(event) {
  event.preventDefault();
  const file = $('#file').files[0];
  const status = $('#upload-status');
  if (!file) {
    status.textContent = 'Choose a CSV file first.';
    $('#file').focus();
    return;
  }
  const button = $('#upload-button');
  button.disabled = true;
  const mb = file.size / 1e6;
  status.textContent = `Uploading ${file.name} (${mb < 1 ? '<1' : Math.round(mb)} MB)\u2026`;
  try {
    showPicker(await api.upload(file));
    status.textContent = `Uploaded ${file.name}. Choose its columns below.`;
    $('#phone-column').focus();
  } catch (e) {
    status.textContent = e.status === 404
      ? 'This server does not offer file jobs (/v1/files answered 404).'
      : `The upload failed: ${e.message}`;
  } finally {
    button.disabled = false;
  }
}

function option(value, text, selected) {
  return h('option', { value, selected }, text);
}

// Opens the picker for an upload answer (or a job still `uploaded` that
// carries the same fields).
export function showPicker(answer) {
  uploaded = answer;
  const columns = answer.columns ?? [];
  const suggested = answer.suggested ?? {};
  $('#picker-name').textContent = answer.name;
  $('#phone-column').replaceChildren(
    ...columns.map((c) => option(c, c, c === suggested.phone_column)));
  $('#country-column').replaceChildren(
    option('', '(none)', !suggested.country_column),
    ...columns.map((c) => option(c, c, c === suggested.country_column)));
  $('#default-country').value = '';
  $('#output-format').value = 'E164';
  $('#picker-error').textContent = '';

  const head = $('#preview thead');
  const body = $('#preview tbody');
  clear(head).append(h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c))));
  clear(body).append(...(answer.preview ?? []).map((row) =>
    h('tr', {}, columns.map((_, i) => h('td', {}, row[i] ?? '')))));
  markColumns();
  $('#picker').hidden = false;
}

// Marks the chosen columns in the preview, in words as well as colour; a
// default country only applies without a country column.
function markColumns() {
  $('#default-country').disabled = $('#country-column').value !== '';
  const phone = $('#phone-column').value;
  const country = $('#country-column').value;
  const columns = uploaded?.columns ?? [];
  const headers = [...$('#preview thead').querySelectorAll('th')];
  headers.forEach((th, i) => {
    const name = columns[i];
    const role = name === phone ? 'phone' : name === country ? 'country' : '';
    th.replaceChildren(name, role ? h('span', { className: 'tag' }, role) : '');
    for (const tr of $('#preview tbody').rows) {
      tr.cells[i]?.classList.toggle('picked', role !== '');
    }
    th.classList.toggle('picked', role !== '');
  });
}

async function onStart(event) {
  event.preventDefault();
  if (!uploaded) return;
  const error = $('#picker-error');
  error.textContent = '';
  // The server checks the country (a code or an English name) and says
  // what is wrong with it; the two ways of giving one exclude each other.
  const options = {
    phone_column: $('#phone-column').value,
    output_format: $('#output-format').value,
  };
  const country = $('#default-country').value.trim();
  if ($('#country-column').value) options.country_column = $('#country-column').value;
  else if (country) options.default_country = country;
  const button = $('#start-button');
  button.disabled = true;
  try {
    const job = await api.startJob(uploaded.id, options);
    resetUpload();
    onStarted(job);
  } catch (e) {
    error.textContent = `The job could not start: ${e.message}`;
  } finally {
    button.disabled = false;
  }
}

export function initUpload() {
  $('#upload-form').addEventListener('submit', onUpload);
  $('#picker').addEventListener('submit', onStart);
  $('#phone-column').addEventListener('change', markColumns);
  $('#country-column').addEventListener('change', markColumns);
  $('#picker-cancel').addEventListener('click', () => {
    resetUpload();
    $('#file').focus();
  });
}
