// The REST client. Tokens live in memory only: a reload signs the user out, nothing is left in storage.

let token = null;
let refreshToken = null;
let refreshTimer = null;
let refreshing = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.errorCode = body && body.errorCode;
    this.body = body;
  }
}

/** Called with null when the session ends (sign-out, expiry, failed refresh). */
export function onSession(fn) {
  listeners.add(fn);
}

export function currentToken() {
  return token;
}

function claims(jwt) {
  const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part));
}

function setTokens(pair) {
  token = pair.token;
  refreshToken = pair.refreshToken;
  clearTimeout(refreshTimer);
  const exp = claims(token).exp * 1000;
  // Refresh a minute before expiry (or half-way for very short tokens).
  const lead = Math.min(60000, (exp - Date.now()) / 2);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), Math.max(1000, exp - Date.now() - lead));
}

export async function login(username, password) {
  const pair = await send('POST', '/api/auth/login', { username, password }, { anonymous: true });
  setTokens(pair);
  return me();
}

/** A new user's first sign-in: the activation token from their link and the password they chose. */
export async function activate(activateToken, password) {
  const pair = await send('POST', '/api/noauth/activate', { activateToken, password }, { anonymous: true });
  setTokens(pair);
  return me();
}

export async function me() {
  return get('/api/auth/user');
}

export function signOut(reason) {
  if (token) {
    fetch('/api/auth/logout', { method: 'POST', headers: { 'X-Authorization': 'Bearer ' + token } }).catch(() => {});
  }
  token = refreshToken = null;
  clearTimeout(refreshTimer);
  listeners.forEach(fn => fn(null, reason));
}

function refresh() {
  if (!refreshing) {
    refreshing = send('POST', '/api/auth/token', { refreshToken }, { anonymous: true })
      .then(pair => { setTokens(pair); listeners.forEach(fn => fn('refreshed')); })
      .catch(err => { signOut('Your session has expired. Sign in again.'); throw err; })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

async function send(method, path, body, opts = {}) {
  const headers = {};
  if (!opts.anonymous) {
    if (!token) throw new ApiError(401, { message: 'Not signed in', errorCode: 10 });
    headers['X-Authorization'] = 'Bearer ' + token;
  }
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload });
  const text = await res.text();
  let data = text;
  if ((res.headers.get('Content-Type') || '').includes('json') && text) {
    try { data = JSON.parse(text); } catch { /* keep text */ }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data && typeof data === 'object' ? data : { message: (typeof data === 'string' && data) || res.statusText });
    // An expired access token is refreshed once and the call repeated.
    if (res.status === 401 && !opts.anonymous && !opts.retried && refreshToken && err.errorCode === 11) {
      await refresh();
      return send(method, path, body, { ...opts, retried: true });
    }
    if (res.status === 401 && !opts.anonymous) signOut('Your session has ended. Sign in again.');
    throw err;
  }
  return data;
}

export const get = path => send('GET', path);
export const post = (path, body) => send('POST', path, body === undefined ? {} : body);
export const del = path => send('DELETE', path);
export const put = (path, body) => send('PUT', path, body);

/** Query string from an object, leaving out empty values. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  return q.toString();
}

export function pageQuery({ page, pageSize, textSearch, sortProperty, sortOrder }, extra = {}) {
  return qs({ pageSize, page, textSearch, sortProperty, sortOrder: sortProperty ? sortOrder : undefined, ...extra });
}
