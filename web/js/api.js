// api.js — the one way pages talk to the server: same-origin fetch of
// /api/v1 with the session cookie, the CSRF token on writes, the purpose of
// a person-level read in X-Purpose (it lands in the audit log), and
// problem+json errors turned into ApiError with the text in the reader's
// language.
import { language } from './i18n.js';

let csrf = null;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, problem, body) {
    const lang = language();
    const title = problem?.title_i18n?.[lang] ?? problem?.title ?? `HTTP ${status}`;
    const detail = problem?.detail_i18n?.[lang] ?? problem?.detail ?? '';
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.body = body;        // the parsed body (an import report on 422)
  }
}

export function setCsrf(token) {
  csrf = token;
}

export function getCsrf() {
  return csrf;
}

export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

// prefer: the Prefer header (RFC 7240); meta: answer { data, headers }
// instead of the data alone.
export async function request(method, path, { body, type, purpose, raw, prefer, meta } = {}) {
  const headers = { Accept: 'application/json' };
  if (purpose) headers['X-Purpose'] = purpose;
  if (prefer) headers.Prefer = prefer;
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let payload = body;
  if (body !== undefined && type === undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (type) {
    headers['Content-Type'] = type;
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (raw) {
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
    return res;
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.status === 401 && path !== '/api/v1/sessions') onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, data?.title ? data : null, data);
  return meta ? { data, headers: res.headers } : data;
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });

// Every page of a paged collection (pageSize 100), for lists the page
// sorts or joins itself (locations with their occupancy).
export async function getAll(path, opts) {
  const sep = path.includes('?') ? '&' : '?';
  const items = [];
  for (let page = 1; ; page += 1) {
    const res = await get(`${path}${sep}page=${page}&pageSize=100`, opts);
    items.push(...res.items);
    if (items.length >= res.total || res.items.length === 0) return items;
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
