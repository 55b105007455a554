import type { Language, LocalizedText } from '../i18n/text';

/** Every label the dashboard, the quarterly report and the exports show, in both languages. */
export const LABELS: Record<string, LocalizedText> = {
  // intents
  help_seeking: { zh: '求助', en: 'Help-seeking' },
  consulting: { zh: '咨询', en: 'Consulting' },
  dissatisfaction: { zh: '不满投诉', en: 'Dissatisfaction' },
  other: { zh: '其他', en: 'Other' },
  // kinds
  work_order: { zh: '工单', en: 'Work order' },
  complaint: { zh: '投诉', en: 'Complaint' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  emergency: { zh: '紧急', en: 'Emergency' },
  // categories
  equipment: { zh: '设备设施', en: 'Equipment' },
  service_attitude: { zh: '服务态度', en: 'Service attitude' },
  service_quality: { zh: '服务质量', en: 'Service quality' },
  fees: { zh: '收费', en: 'Fees' },
  cleaning_greening: { zh: '保洁绿化', en: 'Cleaning & greening' },
  parking: { zh: '停车', en: 'Parking' },
  decoration: { zh: '装修', en: 'Renovation' },
  neighbours: { zh: '邻里纠纷', en: 'Neighbour disputes' },
  safety: { zh: '安全隐患', en: 'Safety' },
  unknown: { zh: '未知', en: 'Unknown' },
  // survey dimensions
  security: { zh: '安保', en: 'Security' },
  cleaning: { zh: '保洁', en: 'Cleaning' },
  repairs: { zh: '维修', en: 'Repairs' },
  customer_service: { zh: '客服', en: 'Customer service' },
  greening: { zh: '绿化', en: 'Greening' },
  value_for_fees: { zh: '物有所值', en: 'Value for fees' },
  // stages and reasons
  investigation: { zh: '考察期', en: 'Investigation' },
  formation: { zh: '形成期', en: 'Formation' },
  stability: { zh: '稳定期', en: 'Stability' },
  degradation: { zh: '退化期', en: 'Degradation' },
  satisfaction_drop: { zh: '满意度下降', en: 'Satisfaction dropped' },
  low_satisfaction: { zh: '满意度低', en: 'Low satisfaction' },
  frequent_complaints: { zh: '90天内多次投诉', en: 'Frequent complaints (90 days)' },
  reopened_cases: { zh: '工单被重开', en: 'Reopened cases' },
  // age buckets
  lt1d: { zh: '<1天', en: '<1 day' },
  '1to3d': { zh: '1–3天', en: '1–3 days' },
  '3to7d': { zh: '3–7天', en: '3–7 days' },
  '7to30d': { zh: '7–30天', en: '7–30 days' },
  gt30d: { zh: '>30天', en: '>30 days' },
  // deadlines and outcomes
  acknowledge: { zh: '响应', en: 'Response' },
  resolve: { zh: '处理', en: 'Resolution' },
  met: { zh: '达标', en: 'Met' },
  breached: { zh: '超时', en: 'Breached' },
  pending: { zh: '进行中', en: 'Running' },
  // statuses
  new: { zh: '新', en: 'New' },
  claimed: { zh: '已认领', en: 'Claimed' },
  in_progress: { zh: '处理中', en: 'In progress' },
  resolved: { zh: '已处理', en: 'Resolved' },
  return_visit: { zh: '回访', en: 'Return visit' },
  closed: { zh: '已关闭', en: 'Closed' },
  reopened: { zh: '重开', en: 'Reopened' },
};

/** The label of a key in the language, or the key itself when it has none (a building number). */
export const label = (key: string, language: Language): string => LABELS[key]?.[language] ?? key;

/** "0.93" / "—". */
export const fixed = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

/** "58%" / "—". */
export const percent = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value * 100)}%`;

/** Minutes as "45 min" / "6.5 h" / "2.1 d". */
export function duration(minutes: number | null | undefined, language: Language): string {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 90) return language === 'zh' ? `${Math.round(minutes)} 分钟` : `${Math.round(minutes)} min`;
  if (minutes < 48 * 60)
    return language === 'zh' ? `${(minutes / 60).toFixed(1)} 小时` : `${(minutes / 60).toFixed(1)} h`;
  return language === 'zh' ? `${(minutes / 1440).toFixed(1)} 天` : `${(minutes / 1440).toFixed(1)} d`;
}
