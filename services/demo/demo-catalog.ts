import type { Category, Intent } from '../../nlp/labels';
import type { TicketKind } from '../tickets/ticket-model';

/** Name parts for the generated owners; one in ten is English-speaking. */
export const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '林',
];
export const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '磊',
  '洋',
  '勇',
  '艳',
  '杰',
  '军',
  '涛',
  '明',
  '霞',
  '平',
  '刚',
];
export const ENGLISH = ['Tom Reed', 'Anna Berg', 'Lucas Martin', 'Mia Chen', 'Oliver Hart', 'Sara Lind'];

/** A message an owner sends that opens a case, in both languages, with how it is classified. */
export interface CaseTemplate {
  intent: Intent;
  kind: TicketKind;
  category: Category;
  zh: string;
  en: string;
}
/** The cases demo owners open; the complaints come last (from index 7), where unhappy owners pick. */
export const CASES: CaseTemplate[] = [
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'equipment',
    zh: '家里水管漏水了，请派人来修',
    en: 'The pipe under my sink is leaking, please send someone',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'equipment',
    zh: '电梯按钮不亮了',
    en: 'The lift buttons do not light up',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'equipment',
    zh: '楼道灯坏了',
    en: 'The stairwell light is broken',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'cleaning_greening',
    zh: '垃圾房很久没清理了',
    en: 'The bin room has not been cleaned for days',
  },
  {
    intent: 'help_seeking',
    kind: 'work_order',
    category: 'parking',
    zh: '我的车位被别人占了',
    en: 'Someone is parked in my space',
  },
  {
    intent: 'consulting',
    kind: 'consulting',
    category: 'fees',
    zh: '物业费怎么交？',
    en: 'How do I pay the management fee?',
  },
  {
    intent: 'consulting',
    kind: 'consulting',
    category: 'decoration',
    zh: '装修需要办什么手续？',
    en: 'What do I need to apply for before renovating?',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'service_attitude',
    zh: '前台态度太差了',
    en: 'The receptionist was very rude to me',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'service_quality',
    zh: '报修三天了还没人来',
    en: 'I reported a repair three days ago and nobody came',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'security',
    zh: '门禁坏了一周没人管',
    en: 'The entrance gate has been broken for a week',
  },
  {
    intent: 'dissatisfaction',
    kind: 'complaint',
    category: 'cleaning_greening',
    zh: '草坪一个月没修剪了',
    en: 'The lawn has not been mowed for a month',
  },
  {
    intent: 'other',
    kind: 'suggestion',
    category: 'other',
    zh: '建议小区多装几个快递柜',
    en: 'Please add more parcel lockers',
  },
];
/** Root-cause summaries written on resolved complaints. */
export const CAUSES = [
  {
    rootCause: '前台高峰期人手不足 Reception understaffed at rush hour',
    correctiveAction: '主管当面致歉 Supervisor apologised in person',
    preventiveAction: '高峰期增加一名前台 A second receptionist at peak hours',
  },
  {
    rootCause: '维修派单漏单 Repair order lost between shifts',
    correctiveAction: '当天上门维修 Repaired the same day',
    preventiveAction: '交接班核对未结工单 Open orders checked at every shift change',
  },
  {
    rootCause: '门禁配件缺货 Gate spare parts out of stock',
    correctiveAction: '临时安排保安值守 Guard posted until repaired',
    preventiveAction: '常用配件保持库存 Keep common spare parts in stock',
  },
  {
    rootCause: '绿化外包排期不当 Landscaping contractor schedule slipped',
    correctiveAction: '督促外包补做 Contractor made up the work',
    preventiveAction: '每周检查绿化计划 Weekly check of the landscaping plan',
  },
];
/** Return-visit comments, for good and bad ratings; '' is no comment. */
export const GOOD_COMMENTS = ['师傅很专业', 'Quick and friendly', '谢谢', ''];
export const BAD_COMMENTS = ['还是没修好', 'Took far too long', '等了太久', ''];
