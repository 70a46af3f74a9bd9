// Inline SVG charts of a review summary: a donut of risks by level and bars by category.
import { h } from './dom.js';

export const LEVELS = [
  { key: 'HIGH', label: '高风险', summaryKey: 'high_risks' },
  { key: 'MEDIUM', label: '中风险', summaryKey: 'medium_risks' },
  { key: 'LOW', label: '低风险', summaryKey: 'low_risks' },
];

/** Donut of risk counts by level, total in the middle. */
export function levelDonut(counts) {
  const total = LEVELS.reduce((sum, l) => sum + (counts[l.key] || 0), 0);
  const description = total === 0
    ? '未发现风险'
    : `共 ${total} 项风险：` + LEVELS.map((l) => `${l.label} ${counts[l.key] || 0} 项`).join('，');
  const radius = 15.9155; // circumference 100: dash lengths are percentages
  const svg = h('svg:svg', { viewBox: '0 0 42 42', class: 'donut', role: 'img', 'aria-labelledby': 'donut-title' },
    h('svg:title', { id: 'donut-title' }, description),
    h('svg:circle', { class: 'donut-track', cx: 21, cy: 21, r: radius }));
  let offset = 25; // start at 12 o'clock
  for (const level of LEVELS) {
    const value = counts[level.key] || 0;
    if (!value) continue;
    const share = (value / total) * 100;
    svg.append(h('svg:circle', {
      class: `donut-slice level-${level.key.toLowerCase()}`, cx: 21, cy: 21, r: radius,
      'stroke-dasharray': `${share} ${100 - share}`, 'stroke-dashoffset': offset,
    }));
    offset = (offset - share + 100) % 100;
  }
  svg.append(
    h('svg:text', { x: 21, y: 21, class: 'donut-number', 'text-anchor': 'middle', 'dominant-baseline': 'central' }, String(total)),
    h('svg:text', { x: 21, y: 28.5, class: 'donut-caption', 'text-anchor': 'middle' }, '项风险'));
  return svg;
}

/** Horizontal bars: risks per category, each bar split by level. */
export function categoryBars(risks) {
  const byCategory = new Map();
  for (const risk of risks) {
    const key = risk.category || '其他';
    const entry = byCategory.get(key) || { HIGH: 0, MEDIUM: 0, LOW: 0, total: 0 };
    entry[risk.risk_level] = (entry[risk.risk_level] || 0) + 1;
    entry.total += 1;
    byCategory.set(key, entry);
  }
  const rows = [...byCategory.entries()].sort((a, b) => b[1].total - a[1].total);
  if (rows.length === 0) return null;
  const max = Math.max(...rows.map(([, e]) => e.total));
  const rowHeight = 22;
  const labelWidth = 96;
  const barWidth = 180;
  const height = rows.length * rowHeight;
  const description = rows.map(([name, e]) => `${name} ${e.total} 项`).join('，');
  const svg = h('svg:svg', {
    viewBox: `0 0 ${labelWidth + barWidth + 34} ${height}`, class: 'category-bars', role: 'img',
    'aria-labelledby': 'bars-title', preserveAspectRatio: 'xMinYMin meet',
  }, h('svg:title', { id: 'bars-title' }, `按类别：${description}`));
  rows.forEach(([name, entry], row) => {
    const y = row * rowHeight;
    svg.append(h('svg:text', { x: labelWidth - 8, y: y + rowHeight / 2, class: 'bar-label', 'text-anchor': 'end', 'dominant-baseline': 'central' },
      name.length > 7 ? `${name.slice(0, 6)}…` : name));
    let x = labelWidth;
    for (const level of LEVELS) {
      const count = entry[level.key] || 0;
      if (!count) continue;
      const width = (count / max) * barWidth;
      svg.append(h('svg:rect', { x, y: y + 4, width, height: rowHeight - 8, rx: 2, class: `bar level-${level.key.toLowerCase()}` }));
      x += width;
    }
    svg.append(h('svg:text', { x: x + 6, y: y + rowHeight / 2, class: 'bar-value', 'dominant-baseline': 'central' }, String(entry.total)));
  });
  return svg;
}
