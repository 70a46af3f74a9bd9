// The guide's browser test tool (websocket_test.html): connect to the three endpoints, send ping, heartbeat,
// get_status or any text, and log every frame both ways with timestamps, ping round trips and close codes.

const $ = (id) => document.getElementById(id);

const CLOSE_CODES = {
  1000: '正常关闭', 1001: '服务端关闭或页面离开', 1002: '协议错误', 1003: '不支持的数据类型',
  1005: '未提供关闭代码', 1006: '连接异常断开（无关闭帧）', 1007: '数据格式错误', 1008: '违反策略（如ID无效、消息过于频繁）',
  1009: '消息过大', 1011: '服务端内部错误', 1015: 'TLS握手失败',
  4400: '无效的任务ID', 4401: '未授权', 4403: '禁止访问', 4404: '任务不存在',
};
const STATE_NAMES = ['CONNECTING 连接中', 'OPEN 已连接', 'CLOSING 关闭中', 'CLOSED 已关闭'];

let socket = null;
let sent = 0;
let received = 0;
let manualClose = false;
let reconnectAttempt = 0;
let reconnectTimer = null;
let autoPingTimer = null;
const pendingPings = new Map(); // JSON text of the timestamp → performance.now() when sent
const rtts = [];

function endpoint() {
  return document.querySelector('input[name="endpoint"]:checked').value;
}

function buildURL() {
  const kind = endpoint();
  if (kind === 'custom') return $('url').value.trim();
  const url = new URL(location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  if (kind === 'health') url.pathname = '/ws/health';
  if (kind === 'review') {
    url.pathname = `/ws/review/${encodeURIComponent($('task-id').value.trim())}`;
    if ($('since').value.trim() !== '') url.searchParams.set('since', $('since').value.trim());
  }
  if (kind === 'test') url.pathname = `/ws/test/${encodeURIComponent($('client-id').value.trim())}`;
  if ($('token').value.trim()) url.searchParams.set('token', $('token').value.trim());
  return url.href;
}

function syncForm() {
  const kind = endpoint();
  $('task-field').hidden = kind !== 'review';
  $('since-field').hidden = kind !== 'review';
  $('client-field').hidden = kind !== 'test';
  $('url').readOnly = kind !== 'custom';
  if (kind !== 'custom') $('url').value = buildURL();
}

function clock() {
  const now = new Date();
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
}

function show(text) {
  if (!$('pretty').checked) return text;
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

/** One log line: direction is 'out' (↑ sent), 'in' (↓ received) or 'sys' (• connection events). */
function log(direction, text, extra = '') {
  const item = document.createElement('li');
  item.className = `entry ${direction}`;
  item.dataset.direction = direction;
  const time = document.createElement('time');
  time.textContent = clock();
  const arrow = document.createElement('span');
  arrow.className = 'dir';
  arrow.textContent = direction === 'out' ? '↑ 发送' : direction === 'in' ? '↓ 接收' : '• 事件';
  const body = document.createElement('pre');
  body.textContent = direction === 'sys' ? text : show(text);
  item.append(time, ' ', arrow, ' ', body);
  if (extra) {
    const note = document.createElement('span');
    note.className = 'extra';
    note.textContent = extra;
    item.append(note);
  }
  const list = $('log');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
  list.append(item);
  while (list.children.length > 2000) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function setState() {
  const state = socket ? socket.readyState : WebSocket.CLOSED;
  const el = $('state');
  el.textContent = STATE_NAMES[state];
  el.dataset.state = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'][state];
  const open = state === WebSocket.OPEN;
  for (const button of document.querySelectorAll('[data-requires-open]')) button.disabled = !open;
  $('connect').disabled = state === WebSocket.CONNECTING || open;
  $('disconnect').disabled = !socket || state === WebSocket.CLOSED;
  $('counts').textContent = `发送 ${sent} · 接收 ${received}`;
}

function connect() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  const url = endpoint() === 'custom' ? $('url').value.trim() : buildURL();
  if (!/^wss?:\/\//.test(url)) {
    log('sys', `地址无效：${url || '（空）'}，应以 ws:// 或 wss:// 开头`);
    return;
  }
  manualClose = false;
  log('sys', `连接 ${url}`);
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (error) {
    log('sys', `无法连接：${error.message}`);
    return;
  }
  socket = ws;
  $('close-code').textContent = '—';
  const opened = performance.now();
  ws.onopen = () => {
    reconnectAttempt = 0;
    log('sys', `已连接（握手 ${(performance.now() - opened).toFixed(1)} ms）`);
    setState();
    scheduleAutoPing();
  };
  ws.onmessage = (event) => {
    received += 1;
    const text = typeof event.data === 'string' ? event.data : `[二进制 ${event.data.size ?? event.data.byteLength} 字节]`;
    let extra = '';
    try {
      const data = JSON.parse(text);
      if ((data.type === 'pong' || data.type === 'heartbeat_ack') && 'timestamp' in data) {
        const key = JSON.stringify(data.timestamp);
        if (pendingPings.has(key)) {
          const rtt = performance.now() - pendingPings.get(key);
          pendingPings.delete(key);
          rtts.push(rtt);
          extra = `往返 ${rtt.toFixed(1)} ms`;
          showRTT(rtt);
        }
      }
    } catch { /* not JSON: logged as is */ }
    log('in', text, extra);
    setState();
  };
  ws.onerror = () => log('sys', '连接出错（详细原因见随后的关闭代码）');
  ws.onclose = (event) => {
    const meaning = CLOSE_CODES[event.code] || (event.code >= 4000 ? '应用自定义代码' : '未知');
    $('close-code').textContent = `${event.code} ${meaning}${event.reason ? `：${event.reason}` : ''}`;
    log('sys', `连接已关闭：代码 ${event.code}（${meaning}）${event.reason ? `，原因：${event.reason}` : ''}${event.wasClean ? '' : '，非正常关闭'}`);
    if (socket === ws) socket = null;
    clearInterval(autoPingTimer);
    setState();
    if (!manualClose && $('auto-reconnect').checked && ![4400, 4404, 1008].includes(event.code)) {
      const step = Math.min(30000, 500 * 2 ** reconnectAttempt);
      const delay = Math.round(step / 2 + Math.random() * (step / 2));
      reconnectAttempt += 1;
      log('sys', `${(delay / 1000).toFixed(1)} 秒后第 ${reconnectAttempt} 次重连`);
      reconnectTimer = setTimeout(connect, delay);
    }
  };
  setState();
}

function showRTT(last) {
  const min = Math.min(...rtts);
  const max = Math.max(...rtts);
  const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
  $('rtt').textContent = `最近 ${last.toFixed(1)} ms · 平均 ${avg.toFixed(1)} · 最小 ${min.toFixed(1)} · 最大 ${max.toFixed(1)}（${rtts.length} 次）`;
}

function sendText(text) {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    log('sys', '未连接，无法发送');
    return false;
  }
  socket.send(text);
  sent += 1;
  log('out', text);
  setState();
  return true;
}

function sendTimed(type) {
  // Unique per message, so the pong is matched to its ping even when several are in flight.
  let timestamp = Date.now();
  while (pendingPings.has(JSON.stringify(timestamp))) timestamp += 1;
  const text = JSON.stringify({ type, timestamp });
  pendingPings.set(JSON.stringify(timestamp), performance.now());
  if (!sendText(text)) pendingPings.delete(JSON.stringify(timestamp));
}

function scheduleAutoPing() {
  clearInterval(autoPingTimer);
  if (!$('auto-ping').checked || !socket || socket.readyState !== WebSocket.OPEN) return;
  const seconds = Math.max(1, Math.min(600, Number($('ping-interval').value) || 30));
  autoPingTimer = setInterval(() => sendTimed('heartbeat'), seconds * 1000);
}

document.addEventListener('DOMContentLoaded', () => {
  for (const input of document.querySelectorAll('input[name="endpoint"], #task-id, #since, #client-id, #token')) {
    input.addEventListener('input', syncForm);
    input.addEventListener('change', syncForm);
  }
  const params = new URLSearchParams(location.search);
  if (params.get('task')) {
    document.querySelector('input[name="endpoint"][value="review"]').checked = true;
    $('task-id').value = params.get('task');
  }
  if (params.get('token')) $('token').value = params.get('token');
  syncForm();
  $('connect-form').addEventListener('submit', (event) => { event.preventDefault(); connect(); });
  $('disconnect').addEventListener('click', () => {
    manualClose = true;
    clearTimeout(reconnectTimer);
    if (socket) socket.close(1000, 'client closed');
    setState();
  });
  $('send-ping').addEventListener('click', () => sendTimed('ping'));
  $('send-heartbeat').addEventListener('click', () => sendTimed('heartbeat'));
  $('send-status').addEventListener('click', () => sendText(JSON.stringify({ type: 'get_status' })));
  $('send-status-request').addEventListener('click', () => sendText(JSON.stringify({ type: 'status_request' })));
  $('send-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('message').value;
    // A JSON ping typed by hand gets its round trip measured too.
    try {
      const data = JSON.parse(text);
      if (data && (data.type === 'ping' || data.type === 'heartbeat') && 'timestamp' in data) {
        pendingPings.set(JSON.stringify(data.timestamp), performance.now());
      }
    } catch { /* plain text */ }
    sendText(text);
  });
  $('message').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) $('send-form').requestSubmit();
  });
  $('format').addEventListener('click', () => {
    try {
      $('message').value = JSON.stringify(JSON.parse($('message').value), null, 2);
    } catch {
      log('sys', '不是有效的 JSON，未格式化');
    }
  });
  $('auto-ping').addEventListener('change', scheduleAutoPing);
  $('ping-interval').addEventListener('change', scheduleAutoPing);
  $('clear').addEventListener('click', () => { $('log').replaceChildren(); });
  setState();
});
