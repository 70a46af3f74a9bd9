// A task's progress events over /ws/review/{id}, delivered exactly once and in `seq` order across dropped
// connections: it reconnects with exponential backoff and jitter and resumes with `?since=<last seq>`.
//
// Events (EventTarget):
//   'event'   detail: a progress / complete / failure message, in seq order, each seq once
//   'message' detail: any other server message (connection, status, pong, heartbeat_ack, error without seq)
//   'state'   detail: {state: 'connecting'|'open'|'waiting'|'closed'|'failed', attempt, delay, code, reason}

import { webSocketURL } from './api.js';

const FATAL_CLOSE_CODES = new Map([
  [1008, '连接被服务器拒绝（策略限制）'],
  [4400, '无效的任务ID'],
  [4401, '未授权，请检查访问令牌'],
  [4403, '禁止访问'],
  [4404, '任务不存在'],
]);

export class ReviewFeed extends EventTarget {
  /**
   * @param {number} taskId
   * @param {object} options  since: resume after this seq (0 = replay the task's whole history);
   *   baseDelay / maxDelay (ms) of the backoff; maxAttempts before giving up; heartbeat (ms).
   */
  constructor(taskId, { since = 0, baseDelay = 400, maxDelay = 15000, maxAttempts = 12, heartbeat = 30000 } = {}) {
    super();
    this.taskId = taskId;
    /** Highest seq such that every seq up to it has been delivered. */
    this.lastSeq = since;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.maxAttempts = maxAttempts;
    this.heartbeatMs = heartbeat;
    this.socket = null;
    this.attempt = 0;
    this.connections = 0;
    this.duplicates = 0;
    this.resyncs = 0;
    this.stopped = true;
    this.pending = new Map();
    this.timer = null;
    this.heartbeat = null;
    this.lastHeard = 0;
    this.onOnline = () => { if (this.timer) this.reconnectNow(); };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    this.open();
  }

  /** Stops for good: closes the socket and cancels any pending reconnect. */
  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.timer);
    this.timer = null;
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'done');
    this.emit('state', { state: 'closed' });
  }

  /** Cancels a waiting backoff and connects at once (the "retry now" button). */
  reconnectNow() {
    if (this.socket) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.stopped = false;
    this.open();
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  open() {
    const url = webSocketURL(`/ws/review/${this.taskId}`, { since: this.lastSeq });
    this.emit('state', { state: 'connecting', attempt: this.attempt, since: this.lastSeq });
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      this.scheduleReconnect(0, String(error));
      return;
    }
    this.socket = socket;
    this.connections += 1;

    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.emit('state', { state: 'open', since: this.lastSeq });
      this.send({ type: 'get_status' });
      this.startHeartbeat();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data && typeof data.seq === 'number' && typeof data.stage === 'string') this.accept(data);
      else this.emit('message', data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopHeartbeat();
      if (this.stopped) return;
      const fatal = FATAL_CLOSE_CODES.get(event.code);
      if (fatal) {
        this.stopped = true;
        this.emit('state', { state: 'failed', code: event.code, reason: event.reason || fatal });
        return;
      }
      this.scheduleReconnect(event.code, event.reason);
    };
  }

  scheduleReconnect(code, reason) {
    if (this.attempt >= this.maxAttempts) {
      this.stopped = true;
      this.emit('state', { state: 'failed', code, reason: '多次重连失败，请检查网络后重试', gaveUp: true });
      return;
    }
    // Exponential backoff with "equal jitter": half the step fixed, half random, so clients that lost the
    // server together do not all come back at the same instant.
    const step = Math.min(this.maxDelay, this.baseDelay * 2 ** this.attempt);
    const delay = Math.round(step / 2 + Math.random() * (step / 2));
    this.attempt += 1;
    this.emit('state', { state: 'waiting', attempt: this.attempt, delay, code, reason });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  /** Delivers events in seq order, each once; a gap (an event skipped on this connection) triggers a resync. */
  accept(event) {
    if (event.seq <= this.lastSeq || this.pending.has(event.seq)) {
      this.duplicates += 1;
      return;
    }
    if (event.seq === this.lastSeq + 1) {
      this.deliver(event);
      while (this.pending.has(this.lastSeq + 1)) {
        const next = this.pending.get(this.lastSeq + 1);
        this.pending.delete(next.seq);
        this.deliver(next);
      }
      return;
    }
    this.pending.set(event.seq, event);
    if (this.resyncs < 3) {
      // The store has every event: reconnecting with ?since= replays the missing ones.
      this.resyncs += 1;
      this.socket?.close(4000, 'resync');
    } else {
      // Give up on the hole rather than stall: deliver what we have.
      const first = Math.min(...this.pending.keys());
      const next = this.pending.get(first);
      this.pending.delete(first);
      this.lastSeq = first - 1;
      this.accept(next);
    }
  }

  deliver(event) {
    this.lastSeq = event.seq;
    this.emit('event', event);
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > this.heartbeatMs * 2.5) {
        // Nothing heard for more than two beats: the connection is dead even if the browser has not noticed.
        this.socket?.close(4001, 'heartbeat timeout');
        return;
      }
      this.send({ type: 'heartbeat', timestamp: Date.now() });
    }, this.heartbeatMs);
  }

  stopHeartbeat() {
    clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
