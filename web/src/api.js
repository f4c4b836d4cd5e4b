// The console's only way to the server: fetch() on this origin with the
// token in the Authorization header (never a cookie, never a URL), and
// errors turned into one shape the views can show.

const TOKEN_KEY = 'phonebulk.token';

// sessionStorage: the token lives as long as the tab, survives a reload,
// and is never sent anywhere by the browser on its own.
export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}
export function saveToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}
export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// A failed call: `status` is the HTTP status (0 when the server could not
// be reached) and `message` what to tell a person.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// The server's errors are {"error": {"title", "detail", ...}}; anything
// else (a proxy's page) is summarised by its status.
async function errorOf(res) {
  let detail = '';
  try {
    const body = await res.json();
    detail = body?.error?.detail || body?.error?.title || '';
  } catch {
    // not JSON: the status says enough
  }
  return new ApiError(res.status, detail || `the server answered ${res.status}`);
}

// Sends one request with the token; returns the Response when it is 2xx,
// throws ApiError otherwise.
export async function call(method, path, { token = savedToken(), body, headers = {} } = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      body,
      headers: { Authorization: `Bearer ${token}`, ...headers },
      // The token is the only credential; keep the browser's own out.
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, `the server could not be reached (${e.message})`);
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

export async function getJson(path, options) {
  return (await call('GET', path, options)).json();
}

export async function postJson(path, value) {
  const res = await call('POST', path, {
    body: JSON.stringify(value),
    headers: { 'Content-Type': 'application/json' },
  });
  return res.json();
}

// The account's batches (docs/api.md): also how a token is checked, since
// every phone-bulk token may list them.
export async function listBatches(token) {
  const body = await getJson('/phone/bulk/v1/batches', { token });
  return body?.result?.batches ?? [];
}

// The calling token's account: name, credits, rate limit (docs/console.md).
export async function getAccount() {
  const body = await getJson('/v1/account');
  return body?.result ?? {};
}

// File jobs (docs/console.md).
export async function listJobs() {
  const body = await getJson('/v1/files');
  return body?.files ?? [];
}

export function getJob(id) {
  return getJson(`/v1/files/${encodeURIComponent(id)}`);
}

// The file goes as the request body, streamed by the browser from disk:
// nothing is read into this page, whatever the file's size.
export async function upload(file) {
  const res = await call('POST', `/v1/files?name=${encodeURIComponent(file.name)}`, {
    body: file,
    headers: { 'Content-Type': 'text/csv' },
  });
  return res.json();
}

export function startJob(id, options) {
  return postJson(`/v1/files/${encodeURIComponent(id)}/start`, options);
}

// The result as a Blob (the header must be sent, so a plain link cannot
// do), with the file name the server suggests.
export async function downloadResult(job) {
  const res = await call('GET', job.result_url || `/v1/files/${job.id}/result`, {
    // CSV is what we want; */* keeps a JSON error answer acceptable too.
    headers: { Accept: 'text/csv, */*;q=0.1' },
  });
  const disposition = res.headers.get('Content-Disposition') || '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  const name = match ? match[1] : job.name.replace(/(\.csv)?$/i, '.cleaned.csv');
  return { blob: await res.blob(), name };
}
