// The admin API as the dashboard uses it: the credential lives in sessionStorage (gone when the tab closes) and
// goes out as the Authorization header of every call. A 401 from any call clears it and brings back the login.

const STORAGE_KEY = 'tern.dashboard.authorization';
const PREFIX = '/api/v1';

/** The API refused the credential (HTTP 401). */
export class Unauthorized extends Error {}

/** Any other error answer of the API: status, message and (for a 400) the bad field. */
export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

let unauthorizedHandler = () => {};

/** `fn(message)` runs when a call with the saved credential gets 401. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

export function savedCredential() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function saveCredential(authorization) {
  sessionStorage.setItem(STORAGE_KEY, authorization);
}

export function forgetCredential() {
  sessionStorage.removeItem(STORAGE_KEY);
}

export function bearer(token) {
  return 'Bearer ' + token.trim();
}

/** HTTP Basic, UTF-8 (the listener announces charset="UTF-8"). */
export function basic(user, password) {
  const bytes = new TextEncoder().encode(user + ':' + password);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return 'Basic ' + btoa(binary);
}

/** Who the saved credential says we are, for the header. */
export function describeCredential(authorization) {
  if (!authorization) return 'anonymous';
  if (authorization.startsWith('Basic ')) {
    try {
      const bytes = Uint8Array.from(atob(authorization.slice(6)), (c) => c.charCodeAt(0));
      const pair = new TextDecoder().decode(bytes);
      return pair.slice(0, pair.indexOf(':'));
    } catch {
      return 'user';
    }
  }
  return 'token';
}

/**
 * A path segment: every character that is not unreserved is percent-encoded, '/' included (the API decodes
 * "%2F" in a topic back to '/'), so topics with empty levels or a leading '/' arrive whole.
 */
export function segment(text) {
  return encodeURIComponent(text);
}

/** A query string; '+' and '#' in filters are encoded (the API keeps a literal '+' as '+'). */
function queryString(query) {
  const parts = [];
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

/**
 * Calls the API: `request('GET', '/clients', {query: {id: 'x'}})`. Resolves with the parsed JSON body; rejects
 * with Unauthorized, ApiError, or a TypeError when the broker cannot be reached. `authorization` overrides the
 * saved credential (the login form tries a credential before saving it; null sends none).
 */
export async function request(method, path, { query, body, authorization } = {}) {
  const trying = authorization !== undefined;
  const credential = trying ? authorization : savedCredential();
  const headers = { Accept: 'application/json' };
  if (credential) headers.Authorization = credential;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(PREFIX + path + queryString(query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    // 'omit': no cookies and no browser-managed HTTP authentication, so a 401 never pops up the browser's own
    // login dialog; the Authorization header above is still sent
    credentials: 'omit',
    cache: 'no-store',
  });
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (response.status === 401) {
    if (!trying) {
      forgetCredential();
      unauthorizedHandler('The broker refused the saved credentials (HTTP 401). Log in again.');
    }
    throw new Unauthorized(json?.error?.message || 'authentication required');
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.error?.message || `HTTP ${response.status}`, json?.error?.field);
  }
  return json;
}

/** A message for an error of `request`, for status lines. */
export function describeError(e) {
  if (e instanceof ApiError) return `${e.message} (HTTP ${e.status})`;
  if (e instanceof Unauthorized) return 'not logged in: ' + e.message;
  if (e instanceof TypeError) return 'the broker cannot be reached: ' + e.message;
  return String(e?.message || e);
}
