import type { Language, LocalizedText } from './text';

/**
 * Every label staff and managers see for a stored code (intent, kind, category, status,
 * channel, stage...) on the desks, the dashboard, the report and the exports, in both languages.
 */
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
  neighbours: { zh: '邻里', en: 'Neighbours' },
  safety: { zh: '安全隐患', en: 'Safety' },
  unknown: { zh: '未知', en: 'Unknown' },
  // survey dimensions
  security: { zh: '安保', en: 'Security' },
  cleaning: { zh: '保洁', en: 'Cleaning' },
  repairs: { zh: '维修', en: 'Repairs' },
  customer_service: { zh: '客服', en: 'Customer service' },
  greening: { zh: '绿化', en: 'Greening' },
  value_for_fees: { zh: '物有所值', en: 'Value for fees' },
  // survey measures
  perceived: { zh: '感知', en: 'Perceived' },
  expectation: { zh: '期望', en: 'Expectation' },
  overall: { zh: '总体', en: 'Overall' },
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
  // channels
  web: { zh: '网页聊天', en: 'Web chat' },
  telegram: { zh: 'Telegram', en: 'Telegram' },
  wechat: { zh: '微信', en: 'WeChat' },
  slack: { zh: 'Slack', en: 'Slack' },
  // emergencies
  fire: { zh: '火情', en: 'Fire' },
  gas: { zh: '燃气泄漏', en: 'Gas leak' },
  flood: { zh: '漏水水浸', en: 'Flooding' },
  lift_entrapment: { zh: '电梯困人', en: 'Lift entrapment' },
  electrical: { zh: '电气险情', en: 'Electrical hazard' },
  medical: { zh: '急救', en: 'Medical' },
  violence: { zh: '暴力冲突', en: 'Violence' },
  locked_in_car: { zh: '车内被困', en: 'Locked in a car' },
  outage: { zh: '停电停水', en: 'Outage' },
  unspecified: { zh: '紧急情况', en: 'Emergency' },
  // priorities
  urgent: { zh: '紧急', en: 'Urgent' },
  high: { zh: '高', en: 'High' },
  normal: { zh: '普通', en: 'Normal' },
  // languages
  zh: { zh: '中文', en: 'Chinese' },
  en: { zh: '英文', en: 'English' },
};

/** The label of a key in the language, or the key itself when it has none (a building number). */
export const label = (key: string, language: Language): string => LABELS[key]?.[language] ?? key;
