// The REST side of the server (PROTOCOL.md). Same origin only; an access token, when the server wants one,
// comes from `?token=` in the page address and is kept for the tab's session.

const TOKEN_KEY = 'contractshield.token';

function initialToken() {
  const fromURL = new URLSearchParams(location.search).get('token');
  try {
    if (fromURL) sessionStorage.setItem(TOKEN_KEY, fromURL);
    return fromURL || sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return fromURL || '';
  }
}

let token = initialToken();

export function authToken() {
  return token;
}

/** Sets the API key for this tab (the key prompt shown after a 401). */
export function setAuthToken(value) {
  token = value || '';
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage unavailable: keep it in memory */ }
}

export class ApiError extends Error {
  constructor(message, status, code, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

function headers(extra = {}) {
  const result = { Accept: 'application/json', ...extra };
  if (token) result.Authorization = `Bearer ${token}`;
  return result;
}

async function failure(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  if (response.status === 401) window.dispatchEvent(new CustomEvent('contractshield:unauthorized'));
  const message = body && typeof body.message === 'string' ? body.message : `请求失败（HTTP ${response.status}）`;
  return new ApiError(message, response.status, body && body.code, body);
}

/** JSON request; resolves to the parsed body, rejects with ApiError (the server's Chinese message). */
export async function request(path, { method = 'GET', json, body, signal } = {}) {
  const init = { method, headers: headers(), signal };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error && error.name === 'AbortError') throw error;
    throw new ApiError('无法连接服务器，请检查网络或服务是否运行', 0, 'NETWORK');
  }
  if (!response.ok) throw await failure(response);
  return response.json();
}

export const api = {
  upload(file, contractType) {
    const form = new FormData();
    if (contractType) form.append('contract_type', contractType);
    form.append('file', file, file.name);
    return request('/api/v1/upload', { method: 'POST', body: form });
  },
  task: (id) => request(`/api/v1/tasks/${id}`),
  text: (id) => request(`/api/v1/tasks/${id}/text`),
  tasks: ({ status = '', limit = 10, offset = 0 } = {}) =>
    request(`/api/v1/tasks?${new URLSearchParams({ status, limit, offset })}`),
  draftRoles: (taskId) => request('/api/v1/draft_roles', { method: 'POST', json: { task_id: taskId } }),
  confirmRoles: (body) => request('/api/v1/confirm_roles', { method: 'POST', json: body }),
  startReview: (taskId) => request('/api/v1/review', { method: 'POST', json: { task_id: taskId } }),
  result: (id) => request(`/api/v1/review/${id}`),
  exportFormats: () => request('/api/v1/export/formats'),
};

/** Downloads an export; resolves to {blob, filename}. */
export async function download(path) {
  let response;
  try {
    response = await fetch(path, { headers: headers({ Accept: '*/*' }) });
  } catch {
    throw new ApiError('无法连接服务器，请检查网络或服务是否运行', 0, 'NETWORK');
  }
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  return { blob, filename: filenameFrom(response.headers.get('Content-Disposition')) };
}

/** The file name of a Content-Disposition header, preferring the UTF-8 `filename*` (RFC 5987). */
export function filenameFrom(disposition) {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended) {
    try { return decodeURIComponent(extended[1].trim()); } catch { /* fall back */ }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(disposition);
  return plain ? (plain[1] ?? plain[2]).trim() : null;
}

/** ws:// or wss:// address of a path on this server, with `query` and the token. */
export function webSocketURL(path, query = {}) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  if (token) url.searchParams.set('token', token);
  url.hash = '';
  return url.href;
}
