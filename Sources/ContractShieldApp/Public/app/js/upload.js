// Step 1: choose a contract (drag and drop or picker) and upload it.
import { api } from './api.js';
import { h, announce } from './dom.js';
import { CONTRACT_TYPES } from './labels.js';

const MAX_BYTES = 50 * 1024 * 1024;
const ACCEPT = '.txt,.text,.md,.docx,.doc,.pdf,.png,.jpg,.jpeg,.tif,.tiff,.bmp,.webp';

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function uploadView() {
  let chosen = null;

  const input = h('input', { type: 'file', id: 'file-input', name: 'file', accept: ACCEPT, class: 'visually-hidden', 'aria-describedby': 'file-hint' });
  const fileName = h('p', { id: 'file-name', class: 'file-name', 'aria-live': 'polite' }, '尚未选择文件');
  const typeSelect = h('select', { id: 'upload-contract-type', name: 'contract_type' },
    h('option', { value: '' }, '自动识别'),
    CONTRACT_TYPES.map(([key, label]) => h('option', { value: key }, label)));
  const submit = h('button', { type: 'submit', id: 'upload-button', class: 'primary', disabled: true }, '上传并识别合同主体');
  const message = h('p', { id: 'upload-message', class: 'form-message', role: 'status' });

  const zone = h('div', { class: 'dropzone', id: 'dropzone' },
    input,
    h('svg:svg', { viewBox: '0 0 24 24', class: 'dropzone-icon', 'aria-hidden': 'true', focusable: 'false' },
      h('svg:path', { d: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8l-6-6Zm4 18H6V4h7v5h5v11Zm-9-6h2v4h2v-4h2l-3-3-3 3Z' })),
    h('label', { for: 'file-input', class: 'dropzone-label' },
      h('strong', {}, '拖放合同文件到这里'), h('span', {}, '或'), h('span', { class: 'button-like' }, '选择文件')),
    h('p', { id: 'file-hint', class: 'hint' }, '支持 TXT、Word（DOCX/DOC）、PDF 及扫描图片，最大 50 MB。文件只保存在本机服务器。'),
    fileName);

  function choose(file) {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      chosen = null;
      submit.disabled = true;
      fileName.textContent = `文件过大（${sizeText(file.size)}），上限 50 MB`;
      zone.classList.add('invalid');
      return;
    }
    chosen = file;
    zone.classList.remove('invalid');
    fileName.textContent = `已选择：${file.name}（${sizeText(file.size)}）`;
    submit.disabled = false;
  }

  input.addEventListener('change', () => choose(input.files[0]));
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    zone.addEventListener(type, () => zone.classList.remove('dragging'));
  }
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = event.dataTransfer.files && event.dataTransfer.files[0];
    if (file) choose(file);
  });

  const form = h('form', { id: 'upload-form', class: 'card', novalidate: true },
    zone,
    h('div', { class: 'field' },
      h('label', { for: 'upload-contract-type' }, '合同类型'),
      typeSelect,
      h('p', { class: 'hint' }, '不确定时选“自动识别”，下一步还可以修改。')),
    h('div', { class: 'actions' }, submit),
    message);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!chosen) {
      message.textContent = '请先选择合同文件';
      input.focus();
      return;
    }
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    message.className = 'form-message';
    message.textContent = '正在上传并提取合同文本…';
    try {
      const answer = await api.upload(chosen, typeSelect.value);
      announce(`上传成功，任务编号 ${answer.task_id}`);
      location.hash = `#/task/${answer.task_id}`;
    } catch (error) {
      message.className = 'form-message error';
      message.textContent = `上传失败：${error.message}`;
      submit.disabled = false;
    } finally {
      form.removeAttribute('aria-busy');
    }
  });

  const element = h('section', { class: 'view upload-view', 'aria-labelledby': 'upload-title' },
    h('h1', { id: 'upload-title' }, '新建合同审查'),
    h('ol', { class: 'steps', 'aria-label': '审查步骤' },
      h('li', { 'aria-current': 'step' }, '上传合同'), h('li', {}, '确认立场'), h('li', {}, '实时审查'), h('li', {}, '查看结果')),
    form);
  return { element, title: '新建审查', dispose() {} };
}
