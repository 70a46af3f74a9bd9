// ContractShield web app: hash routes #/ (upload), #/tasks (list), #/task/{id} (roles → progress → result).
import { api, authToken, setAuthToken } from './api.js';
import { h, clear, announce } from './dom.js';
import { uploadView } from './upload.js';
import { taskListView } from './tasks.js';
import { taskView } from './task.js';

const main = document.getElementById('main');
let current = null; // the active view's cleanup function

/** What tests and curious people can look at: the active review feed and its bookkeeping. */
window.contractShieldApp = { feed: null, api };

function route() {
  const hash = location.hash || '#/';
  let match;
  if ((match = /^#\/task\/(\d+)$/.exec(hash))) return { name: 'task', id: Number(match[1]) };
  if ((match = /^#\/tasks(?:\?(.*))?$/.exec(hash))) return { name: 'tasks', query: new URLSearchParams(match[1] || '') };
  return { name: 'new' };
}

async function render() {
  if (typeof current === 'function') current();
  current = null;
  const where = route();
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === where.name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  clear(main);
  const view = where.name === 'task' ? taskView(where.id)
    : where.name === 'tasks' ? taskListView(where.query)
    : uploadView();
  main.append(view.element);
  current = view.dispose;
  document.title = `${view.title} · ContractShield`;
  // Move focus to the new view's heading so keyboard and screen-reader users land on the content.
  const heading = view.element.querySelector('h1');
  if (heading && renderedOnce) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
  renderedOnce = true;
}

let renderedOnce = false;
window.addEventListener('hashchange', render);

/** The server wants an API key: ask for it once, above the current view, then reload the view. */
window.addEventListener('contractshield:unauthorized', () => {
  if (document.getElementById('key-form')) return;
  const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', required: true, 'aria-describedby': 'api-key-hint' });
  const form = h('form', { id: 'key-form', class: 'card key-form', role: 'alert' },
    h('h2', {}, authToken() ? 'API 密钥无效' : '需要 API 密钥'),
    h('p', { id: 'api-key-hint', class: 'hint' }, '此服务器要求 API 密钥（由管理员用 contractshield keys add 生成）。密钥只保存在当前标签页。'),
    h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API 密钥'), input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '保存并重试')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    setAuthToken(input.value.trim());
    form.remove();
    render();
  });
  main.prepend(form);
  input.focus();
});
window.addEventListener('error', (event) => {
  main.prepend(h('p', { class: 'notice error', role: 'alert' }, `页面出错：${event.message}`));
});
render().catch((error) => {
  clear(main).append(h('p', { class: 'notice error', role: 'alert' }, `页面加载失败：${error.message}`));
  announce('页面加载失败');
});
