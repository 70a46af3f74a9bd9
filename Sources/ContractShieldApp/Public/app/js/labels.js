// Chinese names for the protocol's keys (PROTOCOL.md). The server's own labels win where it sends them.

export const CONTRACT_TYPES = [
  ['purchase', '采购合同'], ['sales', '销售合同'], ['supply', '供应合同'], ['service', '服务合同'],
  ['consulting', '咨询合同'], ['lease', '租赁合同'], ['employment', '劳动合同'], ['nda', '保密协议'],
  ['loan', '借款合同'], ['other', '其他'],
];

export function contractTypeLabel(key) {
  return (CONTRACT_TYPES.find(([k]) => k === key) || [key, key || '未知'])[1];
}

export const STAGES = [
  ['queued', '排队'], ['extracting', '读取文本'], ['segmenting', '拆分条款'], ['entities', '识别主体'],
  ['analyzing', '分析条款'], ['reporting', '生成报告'], ['complete', '完成'],
];

const STAGE_EXTRA = { failed: '失败', cancelled: '已取消' };

export function stageLabel(stage) {
  return (STAGES.find(([k]) => k === stage) || [stage, STAGE_EXTRA[stage] || stage])[1];
}

export const STATUSES = [
  ['PENDING', '待确认立场'], ['READY', '待审查'], ['PROCESSING', '审查中'],
  ['COMPLETED', '已完成'], ['FAILED', '失败'], ['CANCELLED', '已取消'],
];

export function statusLabel(status) {
  return (STATUSES.find(([k]) => k === status) || [status, status || '未知'])[1];
}

export const LEVEL_LABELS = { HIGH: '高风险', MEDIUM: '中风险', LOW: '低风险' };

export const FORMATS = [
  { format: 'pdf', label: 'PDF 报告' },
  { format: 'docx', label: 'Word 报告' },
  { format: 'annotated', label: '批注版合同' },
  { format: 'txt', label: '文本报告' },
];
