// The task list: status filter and paging over GET /api/v1/tasks?status=&limit=&offset=.
import { api } from './api.js';
import { h, clear, announce, formatTime } from './dom.js';
import { STATUSES, statusLabel, contractTypeLabel } from './labels.js';

const PAGE_SIZE = 10;

export function taskListView(query) {
  const status = (query.get('status') || '').toUpperCase();
  const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  let disposed = false;

  const filter = h('select', { id: 'status-filter' },
    h('option', { value: '' }, '全部'),
    STATUSES.map(([key, label]) => h('option', { value: key, selected: key === status }, label)));
  filter.addEventListener('change', () => {
    location.hash = filter.value ? `#/tasks?status=${filter.value}` : '#/tasks';
  });

  const body = h('div', { id: 'task-list', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'notice' }, '正在加载任务…'));
  const pager = h('nav', { class: 'pager', 'aria-label': '任务分页' });

  function link(p) {
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (p > 1) params.set('page', String(p));
    const q = params.toString();
    return `#/tasks${q ? `?${q}` : ''}`;
  }

  async function load() {
    try {
      const answer = await api.tasks({ status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
      if (disposed) return;
      const pages = Math.max(1, Math.ceil(answer.total / PAGE_SIZE));
      clear(body).removeAttribute('aria-busy');
      if (answer.tasks.length === 0) {
        body.append(h('p', { class: 'notice' }, status ? `没有状态为“${statusLabel(status)}”的任务。` : '还没有任务。'),
          h('p', {}, h('a', { href: '#/', class: 'button-like' }, '上传第一份合同')));
      } else {
        body.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': '任务表格（可横向滚动）' },
          h('table', { class: 'tasks' },
            h('caption', { class: 'visually-hidden' }, `任务列表，共 ${answer.total} 个，第 ${page} / ${pages} 页`),
            h('thead', {}, h('tr', {},
              ['编号', '文件', '状态', '合同类型', '立场', '更新时间'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, answer.tasks.map((task) => h('tr', { dataset: { taskId: task.task_id } },
              h('td', {}, `#${task.task_id}`),
              h('th', { scope: 'row' }, h('a', { href: `#/task/${task.task_id}` }, task.filename)),
              h('td', {}, h('span', { class: `status status-${String(task.status).toLowerCase()}` },
                statusLabel(task.status),
                task.status === 'PROCESSING' && typeof task.progress === 'number' ? ` ${task.progress}%` : '')),
              h('td', {}, task.contract_type_label || contractTypeLabel(task.contract_type)),
              h('td', {}, task.role_label || '—'),
              h('td', {}, h('time', { datetime: task.updated_at }, formatTime(task.updated_at)))))))));
      }
      clear(pager).append(
        page > 1 ? h('a', { href: link(page - 1), rel: 'prev', class: 'button-like' }, '上一页') : h('span', { class: 'button-like disabled', 'aria-disabled': 'true' }, '上一页'),
        h('span', { class: 'page-info' }, `第 ${page} / ${pages} 页 · 共 ${answer.total} 个任务`),
        page < pages ? h('a', { href: link(page + 1), rel: 'next', class: 'button-like' }, '下一页') : h('span', { class: 'button-like disabled', 'aria-disabled': 'true' }, '下一页'));
      announce(`已加载 ${answer.tasks.length} 个任务`);
    } catch (error) {
      if (disposed) return;
      clear(body).removeAttribute('aria-busy');
      body.append(h('p', { class: 'notice error', role: 'alert' }, `加载任务失败：${error.message}`),
        h('button', { type: 'button', onclick: () => { body.setAttribute('aria-busy', 'true'); load(); } }, '重试'));
    }
  }
  load();

  const element = h('section', { class: 'view tasks-view', 'aria-labelledby': 'tasks-title' },
    h('div', { class: 'view-head' },
      h('h1', { id: 'tasks-title' }, '任务列表'),
      h('div', { class: 'field inline' }, h('label', { for: 'status-filter' }, '状态'), filter),
      h('button', { type: 'button', onclick: () => { body.setAttribute('aria-busy', 'true'); load(); } }, '刷新')),
    body, pager);
  return { element, title: '任务列表', dispose() { disposed = true; } };
}
