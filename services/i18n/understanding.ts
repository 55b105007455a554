import type { LocalizedText } from './text';

/**
 * What owners and staff read about the understanding layer's verdicts: sample FAQ answers, a
 * possible emergency sent to a person at once, a request for a person, and the safety advice
 * for the kinds of emergency beyond fire, gas, flood, lifts, electricity and illness.
 * Placeholders: {name} style.
 */
export const understandingTexts = {
  faqSampleAnswer: {
    zh: '{answer}\n\n（提示：以上是示例小区的演示内容，并非本小区的真实信息。如需准确答复，请回复“人工”。）',
    en: '{answer}\n\n(Note: this is sample content for a demonstration estate, not information about your estate. For an accurate answer, reply "agent".)',
  },
  possibleEmergency: {
    zh: '您的消息已立即转给值班人员（编号 {reference}），马上会有人跟进。如有人身危险，请立即拨打 110（报警）、119（火警）或 120（急救）。',
    en: 'Your message has gone straight to the duty team (case {reference}); someone will follow up right away. If anyone is in danger, call 110 (police), 119 (fire) or 120 (ambulance) now.',
  },
  askWhatForPerson: {
    zh: '好的，马上为您转人工。请简单说一下是什么事（例如报修、咨询、投诉），我会直接转给工作人员。',
    en: 'Sure, I will pass you to a person. Please say in a few words what it is about (a repair, a question, a complaint) and it goes straight to a staff member.',
  },
} satisfies Record<string, LocalizedText>;

/** Why a case reached the staff desk, for the verdicts above (staff-facing). */
export const understandingReasons: Record<string, LocalizedText> = {
  possible_emergency: {
    zh: '疑似紧急情况（规则未命中，模型判断可能紧急），请立即查看',
    en: 'Possible emergency (the rules did not fire, the model thinks it may be urgent): look now',
  },
  danger_words: {
    zh: '消息提到危险情况（火、烟、燃气、血、打架等），请人工确认后答复',
    en: 'The message names a danger (fire, smoke, gas, blood, a fight...): please check and answer',
  },
  owner_asked_for_person: { zh: '业主要求人工服务', en: 'The owner asked for a person' },
};

/** Safety advice for violence, a child or pet locked in a car and outages, by emergency kind. */
export const emergencyAdvice: Record<string, LocalizedText> = {
  violence: {
    zh: '请先远离冲突现场，到安全的地方并锁好门，不要上前劝阻持械人员，保安正在赶来。',
    en: 'Move away from the fight to somewhere safe and lock the door; do not step in if anyone has a weapon. Security is on the way.',
  },
  locked_in_car: {
    zh: '请留在车旁看护，尽量联系车主；如孩子或动物出现不适，请立即拨打 110 或 119 请求破窗救援。',
    en: 'Stay by the car and try to reach the owner; if the child or animal shows distress, call 110 or 119 now to have the window broken.',
  },
  outage: {
    zh: '请不要乘坐电梯，使用手电照明，注意照看老人和孩子；如有人被困电梯或需要用电医疗设备，请立即告诉我们。',
    en: 'Do not use the lifts, use a torch, and check on elderly neighbours and children; tell us at once if anyone is stuck in a lift or relies on powered medical equipment.',
  },
};
