// One task: confirm the role (PENDING / READY), watch the review live (PROCESSING), show the result (COMPLETED).
import { api, ApiError } from './api.js';
import { h, clear, announce, formatTime } from './dom.js';
import { ReviewFeed } from './review-feed.js';
import { resultView } from './result.js';
import { CONTRACT_TYPES, STAGES, stageLabel, statusLabel, contractTypeLabel } from './labels.js';

export function taskView(taskId) {
  const state = { task: null, feed: null, run: 0, disposed: false };
  const statusBadge = h('span', { id: 'task-status-badge', class: 'status' }, '加载中');
  const meta = h('p', { class: 'task-meta', id: 'task-meta' });
  const content = h('div', { class: 'task-content', id: 'task-content' }, h('p', { class: 'notice' }, '正在加载任务…'));
  const title = h('h1', { id: 'task-title' }, `合同审查 #${taskId}`);

  const element = h('section', { class: 'view task-view', 'aria-labelledby': 'task-title', dataset: { taskId } },
    h('div', { class: 'view-head' }, title, statusBadge), meta, content);

  function showStatus(task) {
    state.task = task;
    statusBadge.className = `status status-${String(task.status).toLowerCase()}`;
    statusBadge.textContent = statusLabel(task.status);
    statusBadge.dataset.status = task.status;
    clear(meta).append([
      task.filename,
      task.contract_type_label || contractTypeLabel(task.contract_type),
      task.role_label ? `立场：${task.role_label}` : null,
      `创建于 ${formatTime(task.created_at)}`,
    ].filter(Boolean).join(' · '));
  }

  function fail(message, retry) {
    clear(content).append(h('div', { class: 'notice error', role: 'alert' },
      h('p', {}, message),
      retry ? h('button', { type: 'button', onclick: retry }, '重试') : null));
  }

  async function load() {
    let task;
    try {
      task = await api.task(taskId);
    } catch (error) {
      if (state.disposed) return;
      if (error instanceof ApiError && error.status === 404) {
        fail(`任务 #${taskId} 不存在。`);
        statusBadge.textContent = '不存在';
      } else {
        fail(`加载任务失败：${error.message}`, load);
      }
      return;
    }
    if (state.disposed) return;
    showStatus(task);
    switch (task.status) {
      case 'PENDING':
      case 'READY':
        return showRoles(task);
      case 'PROCESSING':
        showProgress();
        return watch(task.run);
      case 'COMPLETED':
        return showResult();
      default:
        return showFailure(task.error_message || `审查${statusLabel(task.status)}`);
    }
  }

  // ---------------------------------------------------------------- roles
  async function showRoles(task) {
    clear(content).append(h('p', { class: 'notice' }, '正在识别合同主体…'));
    let draft;
    try {
      draft = await api.draftRoles(taskId);
    } catch (error) {
      if (!state.disposed) fail(`获取立场候选失败：${error.message}`, () => showRoles(task));
      return;
    }
    if (state.disposed) return;

    const typeSelect = h('select', { id: 'role-contract-type' },
      CONTRACT_TYPES.map(([key, label]) => h('option', { value: key, selected: key === draft.contract_type }, label)));
    const nameInput = h('input', { type: 'text', id: 'party-name', maxlength: 200, autocomplete: 'organization' });
    const otherSelect = h('select', { id: 'other-role', 'aria-label': '其他立场' },
      (draft.all_roles || []).map((r) => h('option', { value: r.role }, r.label)));
    const message = h('p', { class: 'form-message', role: 'status', id: 'role-message' });
    const submit = h('button', { type: 'submit', class: 'primary', id: 'start-review' }, '确认立场并开始审查');

    const candidates = draft.candidates || [];
    const preset = task.role || (candidates[0] && candidates[0].role);
    const radios = candidates.map((c) => {
      const radio = h('input', { type: 'radio', name: 'role', id: `role-${c.role}`, value: c.role, checked: c.role === preset, dataset: { partyName: c.party_name || '' } });
      return h('div', { class: 'choice' }, radio,
        h('label', { for: `role-${c.role}` },
          h('strong', {}, c.label),
          c.party_name ? h('span', { class: 'party' }, `${c.designation ? `${c.designation}：` : ''}${c.party_name}`)
            : h('span', { class: 'party muted' }, '（文中未识别到名称）')));
    });
    const otherRadio = h('input', { type: 'radio', name: 'role', id: 'role-other', value: '', checked: Boolean(preset) && !candidates.some((c) => c.role === preset) });
    if (otherRadio.checked) otherSelect.value = preset;
    const otherChoice = h('div', { class: 'choice' }, otherRadio,
      h('label', { for: 'role-other' }, h('strong', {}, '其他立场')), otherSelect);
    otherSelect.addEventListener('change', () => { otherRadio.checked = true; syncName(); });

    function selectedRole() {
      const checked = content.querySelector('input[name="role"]:checked');
      if (!checked) return null;
      return checked === otherRadio ? otherSelect.value : checked.value;
    }
    function syncName() {
      const checked = content.querySelector('input[name="role"]:checked');
      const found = checked && checked.dataset.partyName;
      const mine = (task.party_names || [])[0];
      nameInput.value = found || (task.role === selectedRole() && mine) || '';
    }

    const form = h('form', { class: 'card', id: 'role-form', novalidate: true },
      h('h2', {}, '确认审查立场'),
      h('p', { class: 'hint' }, '审查会站在您这一方的角度，指出对您不利的条款。'),
      h('div', { class: 'field' },
        h('label', { for: 'role-contract-type' }, '合同类型'),
        typeSelect,
        draft.contract_type ? h('p', { class: 'hint' }, `系统识别为“${draft.contract_type_label || contractTypeLabel(draft.contract_type)}”，如有误请修改。`) : null),
      h('fieldset', { class: 'roles' },
        h('legend', {}, '您代表哪一方？'),
        radios, otherChoice),
      h('div', { class: 'field' },
        h('label', { for: 'party-name' }, '我方名称（可选）'),
        nameInput,
        h('p', { class: 'hint' }, '默认使用合同中识别到的该方名称。')),
      h('div', { class: 'actions' }, submit),
      message);
    form.addEventListener('change', (event) => { if (event.target.name === 'role') syncName(); });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const role = selectedRole();
      if (!role) {
        message.className = 'form-message error';
        message.textContent = '请选择您代表的一方';
        return;
      }
      submit.disabled = true;
      message.className = 'form-message';
      message.textContent = '正在确认立场…';
      const body = { task_id: taskId, role };
      if (typeSelect.value && typeSelect.value !== draft.contract_type) body.contract_type = typeSelect.value;
      const name = nameInput.value.trim();
      if (name) body.party_names = [name];
      try {
        await api.confirmRoles(body);
        await startReview();
      } catch (error) {
        if (state.disposed) return;
        message.className = 'form-message error';
        message.textContent = error.message;
        submit.disabled = false;
      }
    });

    clear(content).append(form);
    syncName();
  }

  async function startReview() {
    const before = await api.task(taskId);
    showStatus(before);
    let run = before.run + 1;
    try {
      const started = await api.startReview(taskId);
      if (typeof started.run === 'number') run = started.run;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'REVIEW_IN_PROGRESS')) throw error;
      run = (await api.task(taskId)).run;
    }
    if (state.disposed) return;
    showStatus({ ...before, status: 'PROCESSING', run });
    showProgress();
    watch(run);
    announce('审查已开始');
  }

  // ---------------------------------------------------------------- progress
  let panel = null;

  function showProgress() {
    panel = progressPanel();
    clear(content).append(panel.element);
  }

  function watch(run) {
    state.run = run;
    const feed = new ReviewFeed(taskId, { since: 0 });
    state.feed = feed;
    window.contractShieldApp.feed = feed;
    feed.addEventListener('state', (event) => panel && panel.connection(event.detail, feed));
    feed.addEventListener('message', (event) => {
      const data = event.detail;
      if (data && data.type === 'status' && state.task) showStatus({ ...state.task, status: data.status, role: data.role || state.task.role });
    });
    feed.addEventListener('event', (event) => {
      const ev = event.detail;
      if (typeof ev.run === 'number' && ev.run < state.run) return; // an earlier run's history
      if (typeof ev.run === 'number' && ev.run > state.run) {
        // The server restarted and re-runs the review from the start under the same task id.
        state.run = ev.run;
        panel.newRun(ev.run);
      }
      panel.record(ev);
      if (ev.stage === 'complete' || ev.type === 'complete') {
        feed.stop();
        announce('审查完成，正在加载结果');
        setTimeout(() => { if (!state.disposed) showResult(); }, 350);
      } else if (ev.type === 'error' || ev.stage === 'failed' || ev.stage === 'cancelled') {
        feed.stop();
        showStatus({ ...state.task, status: ev.stage === 'cancelled' ? 'CANCELLED' : 'FAILED' });
        panel.failed(ev.message || '审查失败', retryReview);
      }
    });
    feed.start();
  }

  async function retryReview() {
    try {
      await startReview();
    } catch (error) {
      fail(`重新审查失败：${error.message}`, retryReview);
    }
  }

  function showFailure(message) {
    clear(content).append(h('div', { class: 'card' },
      h('div', { class: 'notice error', role: 'alert' }, h('p', {}, message)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: retryReview }, '重新审查'),
        h('button', { type: 'button', onclick: () => showRoles(state.task) }, '修改立场'))));
  }

  // ---------------------------------------------------------------- result
  async function showResult() {
    let result;
    let text;
    try {
      [result, text] = await Promise.all([api.result(taskId), api.text(taskId).catch(() => null)]);
    } catch (error) {
      if (!state.disposed) fail(`加载审查结果失败：${error.message}`, showResult);
      return;
    }
    if (state.disposed) return;
    showStatus({ ...state.task, ...result, status: result.status });
    if (result.status !== 'COMPLETED') {
      // e.g. a re-review started elsewhere meanwhile
      return load();
    }
    const view = resultView(state.task, result, text);
    const progressSummary = panel ? panel.collapse() : null;
    clear(content).append(view.element);
    if (progressSummary) content.append(progressSummary);
    const rerun = h('div', { class: 'actions rerun' },
      h('button', { type: 'button', onclick: () => showRoles(state.task) }, '换个立场重新审查'));
    content.append(rerun);
  }

  load();

  return {
    element,
    title: `合同审查 #${taskId}`,
    dispose() {
      state.disposed = true;
      if (state.feed) state.feed.stop();
      if (window.contractShieldApp.feed === state.feed) window.contractShieldApp.feed = null;
    },
  };
}

/** The live progress: bar, stage steps, connection state and the event log (every seq seen). */
function progressPanel() {
  const bar = h('div', { class: 'bar', id: 'progress-fill' });
  const progress = h('div', {
    class: 'progress', id: 'review-progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
    'aria-valuenow': 0, 'aria-labelledby': 'progress-title', 'aria-describedby': 'stage-text',
  }, bar);
  const percent = h('span', { class: 'percent', id: 'progress-percent', 'aria-hidden': 'true' }, '0%');
  const stageText = h('p', { id: 'stage-text', class: 'stage-text', 'aria-live': 'polite' }, '正在连接…');
  const connection = h('p', { id: 'connection-state', class: 'connection', role: 'status' });
  const retryButton = h('button', { type: 'button', class: 'small', hidden: true }, '立即重连');
  const steps = h('ol', { class: 'stage-steps', id: 'stage-steps', 'aria-label': '审查阶段' },
    STAGES.map(([key, label]) => h('li', { dataset: { stage: key } }, h('span', { class: 'dot', 'aria-hidden': 'true' }), label)));
  const log = h('ol', { class: 'event-log', id: 'event-log', 'aria-label': '进度事件' });
  const details = h('details', { class: 'event-details' }, h('summary', {}, '事件明细（', h('span', { id: 'event-count' }, '0'), ' 条）'), log);
  const failure = h('div', { id: 'review-failure' });
  let lastStage = null;
  let count = 0;
  let maxProgress = 0;
  let currentFeed = null;
  retryButton.addEventListener('click', () => currentFeed && currentFeed.reconnectNow());

  const element = h('section', { class: 'card progress-panel', id: 'progress-panel', 'aria-labelledby': 'progress-title' },
    h('h2', { id: 'progress-title' }, '审查进度'),
    h('div', { class: 'progress-row' }, progress, percent),
    stageText,
    steps,
    h('div', { class: 'connection-row' }, connection, retryButton),
    failure,
    details);

  function setProgress(value) {
    maxProgress = value;
    bar.style.width = `${value}%`;
    progress.setAttribute('aria-valuenow', String(value));
    progress.setAttribute('aria-valuetext', `${value}%`);
    percent.textContent = `${value}%`;
  }

  function markSteps(stage) {
    const index = STAGES.findIndex(([key]) => key === stage);
    for (const li of steps.children) {
      const i = STAGES.findIndex(([key]) => key === li.dataset.stage);
      li.classList.toggle('done', index >= 0 && (i < index || stage === 'complete'));
      li.classList.toggle('current', i === index && stage !== 'complete');
      if (i === index) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
  }

  return {
    element,
    record(ev) {
      count += 1;
      const time = new Date().toLocaleTimeString('zh-CN', { hour12: false });
      log.append(h('li', { dataset: { seq: ev.seq, run: ev.run ?? '', stage: ev.stage, progress: ev.progress ?? '' } },
        h('span', { class: 'seq' }, `#${ev.seq}`), ' ',
        h('time', {}, time), ' ',
        h('strong', {}, stageLabel(ev.stage)), ` ${typeof ev.progress === 'number' ? `${ev.progress}%` : ''} `,
        ev.message || ''));
      details.querySelector('#event-count').textContent = String(count);
      if (typeof ev.progress === 'number' && (ev.progress >= maxProgress || ev.stage === 'queued')) setProgress(ev.progress);
      if (ev.stage !== lastStage) {
        lastStage = ev.stage;
        stageText.textContent = `${stageLabel(ev.stage)}：${ev.message || ''}${typeof ev.progress === 'number' ? `（${ev.progress}%）` : ''}`;
        markSteps(ev.stage);
      }
      if (ev.stage === 'complete') {
        element.classList.add('finished');
        stageText.textContent = `审查完成（100%）`;
      }
    },
    newRun(run) {
      maxProgress = 0;
      setProgress(0);
      lastStage = null;
      log.append(h('li', { class: 'note' }, `服务重启后审查重新开始（第 ${run} 轮）`));
    },
    connection(detail, feed) {
      currentFeed = feed;
      retryButton.hidden = true;
      element.dataset.connection = detail.state;
      switch (detail.state) {
        case 'connecting':
          connection.textContent = detail.attempt ? `正在重新连接（第 ${detail.attempt} 次）…` : '正在连接进度推送…';
          break;
        case 'open':
          connection.textContent = '已连接，实时接收进度';
          if (feed.connections > 1) log.append(h('li', { class: 'note' }, `已重新连接，从第 ${detail.since} 号事件之后继续`));
          break;
        case 'waiting':
          connection.textContent = `连接已断开，${(detail.delay / 1000).toFixed(1)} 秒后第 ${detail.attempt} 次重连…`;
          retryButton.hidden = false;
          log.append(h('li', { class: 'note' }, `连接断开${detail.code ? `（代码 ${detail.code}）` : ''}`));
          break;
        case 'failed':
          connection.textContent = `无法接收进度：${detail.reason || '连接失败'}`;
          if (detail.gaveUp) retryButton.hidden = false;
          break;
        case 'closed':
          connection.textContent = maxProgress >= 100 ? '审查完成，连接已关闭' : '连接已关闭';
          break;
        default:
          break;
      }
    },
    failed(message, retry) {
      clear(failure).append(h('div', { class: 'notice error', role: 'alert' },
        h('p', {}, message),
        h('button', { type: 'button', class: 'primary', onclick: retry }, '重新审查')));
    },
    /** After completion the panel stays under the result, compact: the full bar and the folded event log. */
    collapse() {
      details.open = false;
      element.classList.add('compact');
      return element;
    },
  };
}
