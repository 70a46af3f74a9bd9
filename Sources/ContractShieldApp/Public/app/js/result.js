// The review result: summary with charts, exports, findings (filterable) beside the contract text,
// each risky clause highlighted and linked both ways.
import { download, ApiError } from './api.js';
import { h, announce, copyText } from './dom.js';
import { levelDonut, categoryBars, LEVELS } from './chart.js';
import { highlightRuns, levelRank } from './text.js';
import { LEVEL_LABELS, FORMATS } from './labels.js';

const ASSESSMENT_CLASS = { 高风险: 'high', 中等风险: 'medium', 低风险: 'low' };

export function resultView(task, result, textInfo) {
  const risks = Array.isArray(result.risks) ? result.risks : [];
  const summary = result.summary || {};
  const text = textInfo && typeof textInfo.text === 'string' ? textInfo.text : '';
  const { runs, linked } = highlightRuns(text, risks);
  const byId = new Map(risks.map((r) => [r.id, r]));
  const domId = (riskId) => String(riskId).replace(/[^A-Za-z0-9_-]/g, '_');

  // ---- summary ----
  const counts = { HIGH: 0, MEDIUM: 0, LOW: 0 };
  for (const l of LEVELS) counts[l.key] = typeof summary[l.summaryKey] === 'number' ? summary[l.summaryKey] : 0;
  if (!summary.total_risks && risks.length) for (const r of risks) counts[r.risk_level] = (counts[r.risk_level] || 0) + 1;
  const assessment = summary.overall_assessment || '—';
  const score = typeof summary.risk_score === 'number' ? summary.risk_score : null;
  const bars = categoryBars(risks);

  const summarySection = h('section', { class: 'card summary', 'aria-labelledby': 'summary-title', id: 'summary' },
    h('h2', { id: 'summary-title' }, '审查结论'),
    h('div', { class: 'summary-grid' },
      h('div', { class: 'summary-figures' },
        h('p', { class: `assessment assess-${ASSESSMENT_CLASS[assessment] || 'none'}`, id: 'overall-assessment' },
          h('span', { class: 'figure-label' }, '总体评估'), h('strong', {}, assessment)),
        score === null ? null : h('div', { class: 'score' },
          h('span', { class: 'figure-label', id: 'score-label' }, '风险评分'),
          h('strong', { id: 'risk-score' }, String(score)), h('span', { class: 'of' }, ' / 100'),
          h('meter', { min: 0, max: 100, low: 40, high: 70, optimum: 0, value: score, 'aria-labelledby': 'score-label' }, `${score}`)),
        h('ul', { class: 'legend', 'aria-label': '按风险等级统计' },
          LEVELS.map((l) => h('li', { class: `level-${l.key.toLowerCase()}` },
            h('span', { class: 'swatch', 'aria-hidden': 'true' }), `${l.label} `, h('strong', {}, String(counts[l.key] || 0)), ' 项')))),
      h('figure', { class: 'chart' }, levelDonut(counts), h('figcaption', {}, '风险等级分布')),
      bars ? h('figure', { class: 'chart chart-wide' }, bars, h('figcaption', {}, '风险类别分布')) : null),
    Array.isArray(summary.key_concerns) && summary.key_concerns.length
      ? [h('h3', {}, '主要关注点'), h('ol', { class: 'concerns' }, summary.key_concerns.map((c) => h('li', {}, c)))]
      : null);

  // ---- exports ----
  const exportMessage = h('p', { id: 'export-message', class: 'form-message', role: 'status' });
  const exportButtons = FORMATS.map(({ format, label }) => h('button', {
    type: 'button', class: 'export', dataset: { format }, id: `export-${format}`,
    onclick: (event) => exportFile(format, label, event.currentTarget),
  }, label));

  async function exportFile(format, label, button) {
    button.disabled = true;
    exportMessage.className = 'form-message';
    exportMessage.textContent = `正在生成${label}…`;
    try {
      const { blob, filename } = await download(`/api/v1/export/${task.task_id}?format=${format}`);
      const url = URL.createObjectURL(blob);
      const fallback = `审查报告-${task.task_id}.${format === 'annotated' ? 'docx' : format}`;
      const link = h('a', { href: url, download: filename || fallback, class: 'visually-hidden' });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      exportMessage.textContent = `已下载：${filename || fallback}`;
      announce(`${label}已下载`);
    } catch (error) {
      exportMessage.className = 'form-message error';
      exportMessage.textContent = error instanceof ApiError && error.status === 404 && !error.code?.startsWith('TASK')
        ? `暂不能导出${label}：服务器尚未提供导出功能`
        : `导出${label}失败：${error.message}`;
    } finally {
      button.disabled = false;
    }
  }

  const exportSection = h('section', { class: 'card exports', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, '导出报告'),
    h('div', { class: 'export-buttons', role: 'group', 'aria-labelledby': 'export-title' }, exportButtons),
    exportMessage);

  // ---- contract text with highlights ----
  const textBody = h('div', { id: 'contract-text', class: 'text-body', tabindex: '0', role: 'region', 'aria-label': '合同原文（可滚动）' });
  const marksByRisk = new Map();
  for (const run of runs) {
    if (run.risks.length === 0) {
      textBody.append(run.text);
      continue;
    }
    const top = run.risks[0];
    const label = run.risks.map((r) => `${LEVEL_LABELS[r.risk_level] || r.risk_level}：${r.title}`).join('；');
    const mark = h('mark', {
      class: `risk-mark level-${String(top.risk_level).toLowerCase()}`, tabindex: '0',
      dataset: { riskIds: run.risks.map((r) => r.id).join(' ') }, title: label,
    }, run.text);
    for (const r of run.risks) {
      if (!marksByRisk.has(r.id)) {
        marksByRisk.set(r.id, []);
        mark.id = mark.id || `mark-${domId(r.id)}`;
      }
      marksByRisk.get(r.id).push(mark);
    }
    mark.addEventListener('click', () => focusFindingFromMark(mark));
    mark.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        focusFindingFromMark(mark);
      }
    });
    textBody.append(mark);
  }
  if (!text) textBody.append(h('p', { class: 'notice' }, '无法获取合同原文。'));

  const textSection = h('section', { class: 'card contract-panel', 'aria-labelledby': 'text-title' },
    h('h2', { id: 'text-title' }, '合同原文'),
    h('p', { class: 'hint' }, '高亮部分为风险条款：点击或按回车查看对应的问题。'),
    textBody);

  // ---- findings ----
  const categories = [...new Set(risks.map((r) => r.category || '其他'))];
  const levelBoxes = LEVELS.map((l) => h('input', { type: 'checkbox', id: `filter-${l.key.toLowerCase()}`, value: l.key, checked: true }));
  const categorySelect = h('select', { id: 'filter-category' },
    h('option', { value: '' }, `全部类别（${risks.length}）`),
    categories.map((c) => h('option', { value: c }, `${c}（${risks.filter((r) => (r.category || '其他') === c).length}）`)));
  const sortSelect = h('select', { id: 'sort-findings' },
    h('option', { value: 'level' }, '按风险等级'), h('option', { value: 'position' }, '按条款顺序'));
  const shownCount = h('p', { id: 'findings-count', class: 'hint', 'aria-live': 'polite' });
  const list = h('ol', { id: 'findings', class: 'findings', 'aria-labelledby': 'findings-title' });

  const filters = h('div', { class: 'filters', role: 'group', 'aria-label': '筛选风险' },
    h('fieldset', { class: 'level-filter' },
      h('legend', {}, '风险等级'),
      LEVELS.map((l, i) => h('label', { class: `check level-${l.key.toLowerCase()}` }, levelBoxes[i], ` ${l.label}（${counts[l.key] || 0}）`))),
    h('div', { class: 'field' }, h('label', { for: 'filter-category' }, '类别'), categorySelect),
    h('div', { class: 'field' }, h('label', { for: 'sort-findings' }, '排序'), sortSelect));

  const items = new Map();
  for (const risk of risks) items.set(risk.id, findingItem(risk));

  function findingItem(risk) {
    const id = domId(risk.id);
    const level = String(risk.risk_level || '').toLowerCase();
    const lines = Array.isArray(risk.line_numbers) && risk.line_numbers.length
      ? `第 ${risk.line_numbers.join('、')} 行` : null;
    const page = risk.page;  // set by the server for PDFs, scans and photos only
    const statutes = Array.isArray(risk.statutes) ? risk.statutes : [];
    const copyStatus = h('span', { class: 'copy-status', role: 'status' });
    const canLocate = linked.has(risk.id);
    const article = h('article', { class: `finding level-${level}`, id: `finding-${id}`, tabindex: '-1', dataset: { riskId: risk.id }, 'aria-labelledby': `finding-${id}-title` },
      h('header', { class: 'finding-head' },
        h('span', { class: `badge level-${level}` }, LEVEL_LABELS[risk.risk_level] || risk.risk_level),
        h('h3', { id: `finding-${id}-title` }, risk.title)),
      h('p', { class: 'meta' }, [risk.category, page ? `第 ${page} 页` : null, lines].filter(Boolean).join(' · ')),
      risk.clause_text ? h('blockquote', { class: 'clause' }, risk.clause_text) : null,
      risk.summary ? h('p', { class: 'finding-summary' }, risk.summary) : null,
      risk.analysis ? h('p', { class: 'analysis' }, h('strong', {}, '分析：'), risk.analysis) : null,
      statutes.length ? h('details', { class: 'statutes' },
        h('summary', {}, `法律依据（${statutes.length}）：`, statutes.map((s) => s.statute_ref).join('、')),
        h('dl', {}, statutes.map((s) => [h('dt', {}, s.statute_ref), h('dd', {}, s.statute_text || '（无条文）')]))) : null,
      risk.suggestion ? h('div', { class: 'suggestion' },
        h('h4', {}, '修改建议'),
        h('p', { class: 'suggestion-text' }, risk.suggestion),
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'small copy', 'aria-label': `复制修改建议：${risk.title}`, onclick: async () => {
            const ok = await copyText(risk.suggestion);
            copyStatus.textContent = ok ? '已复制' : '复制失败，请手动选择文字复制';
            setTimeout(() => { copyStatus.textContent = ''; }, 4000);
          } }, '复制建议'),
          copyStatus)) : null,
      h('div', { class: 'row' },
        canLocate
          ? h('button', { type: 'button', class: 'small locate', 'aria-controls': 'contract-text', onclick: () => showInText(risk.id) }, '在原文中定位')
          : h('span', { class: 'hint' }, risk.span ? '（未能在原文中定位此条款）' : '（此项针对合同整体，例如缺少的条款，原文中没有对应位置）')));
    article.addEventListener('click', (event) => {
      if (!canLocate) return;
      if (event.target.closest('button, a, summary, details, input, select, textarea')) return;
      if (window.getSelection && String(window.getSelection()).length) return; // selecting text, not clicking
      showInText(risk.id, { focus: false });
    });
    return h('li', {}, article);
  }

  function visible(risk) {
    const levels = new Set(levelBoxes.filter((b) => b.checked).map((b) => b.value));
    return levels.has(risk.risk_level) && (!categorySelect.value || (risk.category || '其他') === categorySelect.value);
  }

  function applyFilters() {
    const order = [...risks];
    if (sortSelect.value === 'level') {
      order.sort((a, b) => levelRank(b.risk_level) - levelRank(a.risk_level) || (a.span?.start ?? 0) - (b.span?.start ?? 0));
    } else {
      order.sort((a, b) => (a.span?.start ?? Infinity) - (b.span?.start ?? Infinity));
    }
    let shown = 0;
    for (const risk of order) {
      const item = items.get(risk.id);
      const show = visible(risk);
      item.hidden = !show;
      if (show) shown += 1;
      list.append(item); // re-append in the chosen order
    }
    // A mark stays bright if any of its risks is still shown.
    for (const mark of textBody.querySelectorAll('mark.risk-mark')) {
      const anyShown = mark.dataset.riskIds.split(' ').some((rid) => byId.has(rid) && visible(byId.get(rid)));
      mark.classList.toggle('filtered', !anyShown);
    }
    shownCount.textContent = risks.length ? `显示 ${shown} / ${risks.length} 项风险` : '';
  }
  for (const box of levelBoxes) box.addEventListener('change', applyFilters);
  categorySelect.addEventListener('change', applyFilters);
  sortSelect.addEventListener('change', applyFilters);

  function setActive(riskId) {
    for (const el of document.querySelectorAll('.risk-mark.active, .finding.active')) el.classList.remove('active');
    for (const mark of marksByRisk.get(riskId) || []) mark.classList.add('active');
    items.get(riskId)?.firstElementChild.classList.add('active');
  }

  /** Finding → text: highlight the clause's marks and bring the first into view. */
  function showInText(riskId, { focus = true } = {}) {
    const marks = marksByRisk.get(riskId);
    if (!marks || !marks.length) return;
    setActive(riskId);
    scrollWithin(textBody, marks[0]);
    flash(marks);
    if (focus) marks[0].focus({ preventScroll: true });
    announce(`已定位到原文：${byId.get(riskId)?.title || ''}`);
  }

  /** Text → finding: focus the finding of a mark (cycling through them when clauses overlap). */
  function focusFindingFromMark(mark) {
    const ids = mark.dataset.riskIds.split(' ').filter((rid) => byId.has(rid));
    if (!ids.length) return;
    const activeNow = ids.findIndex((rid) => items.get(rid)?.firstElementChild.classList.contains('active'));
    const riskId = ids[(activeNow + 1) % ids.length];
    const risk = byId.get(riskId);
    if (!visible(risk)) {
      // The filter hides it: show everything again rather than point at nothing.
      for (const box of levelBoxes) box.checked = true;
      categorySelect.value = '';
      applyFilters();
    }
    setActive(riskId);
    const article = items.get(riskId).firstElementChild;
    article.scrollIntoView({ block: 'center', behavior: reducedMotion() ? 'auto' : 'smooth' });
    article.focus({ preventScroll: true });
    flash([article]);
  }

  const findingsSection = h('section', { class: 'card findings-panel', 'aria-labelledby': 'findings-title' },
    h('h2', { id: 'findings-title' }, `风险清单（${risks.length}）`),
    risks.length ? filters : null,
    shownCount,
    risks.length ? list : h('p', { class: 'notice ok' }, '未发现需要关注的风险条款。'));

  applyFilters();

  const meta = [
    Array.isArray(result.party_names) && result.party_names.length ? `我方：${result.party_names.join('、')}` : null,
    typeof result.clause_count === 'number' ? `共 ${result.clause_count} 个条款` : null,
  ].filter(Boolean).join(' · ');

  const element = h('div', { class: 'result', id: 'result' },
    meta ? h('p', { class: 'result-meta' }, meta) : null,
    h('div', { class: 'result-top' }, summarySection, exportSection),
    h('div', { class: 'review-layout' }, findingsSection, textSection));
  return { element, showInText };
}

function reducedMotion() {
  return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** Scrolls `container` (and the page, if the container is off screen) so `target` sits in its middle. */
function scrollWithin(container, target) {
  const behavior = reducedMotion() ? 'auto' : 'smooth';
  const scrollable = container.scrollHeight > container.clientHeight + 4;
  if (scrollable) {
    const offset = target.getBoundingClientRect().top - container.getBoundingClientRect().top;
    container.scrollTo({ top: container.scrollTop + offset - container.clientHeight / 3, behavior });
  }
  const rect = (scrollable ? container : target).getBoundingClientRect();
  if (rect.top < 0 || rect.bottom > window.innerHeight) {
    (scrollable ? container : target).scrollIntoView({ block: scrollable ? 'start' : 'center', behavior });
  }
}

function flash(elements) {
  for (const el of elements) {
    el.classList.remove('flash');
    void el.offsetWidth; // restart the animation
    el.classList.add('flash');
  }
}
