// Spans in results are Unicode code point offsets; JS strings index UTF-16 code units.
// Everything here converts once and then works on UTF-16 indices.

/** UTF-16 index of every code point boundary: result[cp] = utf16 index, result[length] = text.length. */
export function codePointIndex(text) {
  const offsets = new Uint32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i += 1) {
    offsets[cp] = i;
    cp += 1;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
  }
  offsets[cp] = text.length;
  return { toUTF16: (point) => offsets[Math.max(0, Math.min(point, cp))], length: cp };
}

const LEVEL_RANK = { HIGH: 3, MEDIUM: 2, LOW: 1 };

export function levelRank(level) {
  return LEVEL_RANK[level] || 0;
}

/**
 * Splits `text` into runs for rendering: [{text, risks: [risk…]}]; a run's risks are every risk whose span
 * covers it (spans may overlap). Risks without a usable span are left out (the caller shows them unlinked).
 */
export function highlightRuns(text, risks) {
  const index = codePointIndex(text);
  const ranges = [];
  for (const risk of risks) {
    const span = risk.span;
    if (!span || typeof span.start !== 'number' || typeof span.end !== 'number') continue;
    const start = index.toUTF16(span.start);
    const end = index.toUTF16(span.end);
    if (end > start) ranges.push({ start, end, risk });
  }
  const cuts = new Set([0, text.length]);
  for (const r of ranges) { cuts.add(r.start); cuts.add(r.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const runs = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const covering = ranges.filter((r) => r.start <= from && r.end >= to).map((r) => r.risk);
    covering.sort((a, b) => levelRank(b.risk_level) - levelRank(a.risk_level));
    runs.push({ text: text.slice(from, to), risks: covering, start: from });
  }
  return { runs, linked: new Set(ranges.map((r) => r.risk.id)) };
}
