import type { ChannelName } from '../channels/types';
import type { BindingResult } from '../owners/binding-rules';
import { splitUnit } from '../owners/household';
import { localize, type Language, type LocalizedText } from './text';

/**
 * What the owner sees while proving they own a unit. A wrong address and wrong digits get
 * the same words on purpose: the reply never tells which was wrong, nor whether the unit
 * is on file; a pause reads the same whether the identity, the unit or the address caused it.
 * Placeholders: {place}, {attemptsLeft}, {wait}, {office}, {dutyLine}.
 */
export const ownerTexts = {
  bindingAskUnit: {
    zh: '为了保护您的信息，查看和办理工单前需要先确认您的业主身份。请发送您的楼栋、单元和房号，例如：5栋2单元1203（没有单元可写 5栋1203）。回复“取消”可退出，回复“人工”由工作人员协助。',
    en: 'To protect your information, we first need to confirm that you are an owner. Please send your building, entrance (if any) and room, for example: Building 5, entrance 2, room 1203, or 5-2-1203. Reply "cancel" to stop, or "agent" for a staff member.',
  },
  bindingAskRoom: {
    zh: '好的，{building}。请再发送单元和房号，例如 2单元1203 或 1203。回复“取消”可退出，回复“人工”由工作人员协助。',
    en: 'Thank you: {building}. Now please send the entrance (if any) and room, for example 2-1203 or 1203. Reply "cancel" to stop, or "agent" for a staff member.',
  },
  bindingUnitNotUnderstood: {
    zh: '抱歉，没能看懂这个房号。请按“楼栋-单元-房号”的格式发送，例如 5-2-1203，或 5栋1203。回复“取消”可退出，回复“人工”由工作人员协助。',
    en: 'Sorry, I could not read that address. Please send it as building-entrance-room, for example 5-2-1203, or Building 5 room 1203. Reply "cancel" to stop, or "agent" for a staff member.',
  },
  bindingAskPhone: {
    zh: '好的，{place}。请发送您在物业登记的手机号码的后四位数字。',
    en: 'Thank you: {place}. Please send the last four digits of the phone number registered with the property office.',
  },
  bindingDigitsNotUnderstood: {
    zh: '请只发送手机号码的后四位数字，例如：8000。回复“取消”可退出。',
    en: 'Please send only the last four digits of the phone number, for example: 8000. Reply "cancel" to stop.',
  },
  bindingMismatch: {
    zh: '抱歉，房号或手机号码与物业登记的信息不一致。您还可以尝试 {attemptsLeft} 次，请重新发送楼栋和房号。',
    en: 'Sorry, the address or the phone digits do not match the property office records. You have {attemptsLeft} more tries; please send your building and room again.',
  },
  bindingMismatchLastTry: {
    zh: '抱歉，房号或手机号码与物业登记的信息不一致。还剩最后 1 次机会，请仔细核对后重新发送楼栋和房号。',
    en: 'Sorry, the address or the phone digits do not match the property office records. One try is left; please check and send your building and room again.',
  },
  bindingWait: {
    zh: '为保护业主信息，请{wait}后再发送“绑定”重新验证。',
    en: 'To protect owners’ information, please wait {wait}, then send "bind" to try again.',
  },
  bindingLocked: {
    zh: '为保护业主信息，身份验证已暂停，请{wait}后再试。如需帮助，请到{office}或致电物业{dutyLine}，工作人员核实您的身份后可以为您解除暂停；如果您的登记信息有变化，也请一并更新。',
    en: 'To protect owners’ information, verification is paused; please try again in {wait}. For help, visit or call {office}{dutyLine}: once staff have confirmed who you are, they can lift the pause (and update your registered details if they have changed).',
  },
  bindingDutyLine: {
    zh: '（值班电话：{dutyPhone}）',
    en: ' (duty line {dutyPhone})',
  },
  bindingNewChatNotice: {
    zh: '安全提醒：您的房屋（{place}）刚刚于{time}通过{channel}绑定了一个新的聊天账号。如果这不是您或家人本人操作，请尽快联系{office}{dutyLine}。',
    en: 'Security notice: your home ({place}) was just linked to a new chat on {channel} at {time}. If this was not you or your household, please contact {office}{dutyLine} at once.',
  },
  bindingVerified: {
    zh: '验证成功，谢谢您！已确认您是{place}的业主。',
    en: 'Verified, thank you! You are confirmed as the owner of {place}.',
  },
  bindingAlreadyVerified: {
    zh: '您已经完成业主身份验证（{place}），无需再次验证。',
    en: 'You are already verified as the owner of {place}; nothing more is needed.',
  },
  bindingCancelled: {
    zh: '已取消身份验证。需要时随时可以重新开始。',
    en: 'Verification cancelled. You can start again whenever you like.',
  },
} satisfies Record<string, LocalizedText>;

/** A dwelling as an owner reads it: "5栋2单元1203室" / "Building 5, entrance 2, room 1203". */
export function formatPlace(building: string, unit: string, language: Language): string {
  const { entrance, room } = splitUnit(unit);
  if (language === 'zh') return `${building}栋${entrance ? `${entrance}单元` : ''}${room}室`;
  return `Building ${building}, ${entrance ? `entrance ${entrance}, ` : ''}room ${room}`;
}

/** The channels as owners know them. */
const CHANNEL_NAMES: Record<ChannelName, LocalizedText> = {
  web: { zh: '网页聊天', en: 'the web chat' },
  telegram: { zh: 'Telegram', en: 'Telegram' },
  wechat: { zh: '微信', en: 'WeChat' },
  slack: { zh: 'Slack', en: 'Slack' },
};

/** Where owners get help: the office by name, and the duty line when one is configured. */
export interface BindingHelp {
  /** The property office's name (MessagePathSettings.propertyName). */
  office?: LocalizedText;
  /** The property's duty line; '' or absent when not configured. */
  dutyPhone?: string;
}

const DEFAULT_OFFICE: LocalizedText = { zh: '物业服务中心', en: 'the property office' };

function helpValues(help: BindingHelp, language: Language): Record<string, string> {
  return {
    office: localize(help.office ?? DEFAULT_OFFICE, language),
    dutyLine: help.dutyPhone
      ? localize(ownerTexts.bindingDutyLine, language, { dutyPhone: help.dutyPhone })
      : '',
  };
}

/** How long until `until`, as an owner reads it: "5分钟" / "5 minutes", "2小时" / "2 hours" (rounded up). */
export function formatWait(until: Date, now: Date, language: Language): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  if (minutes < 120)
    return language === 'zh' ? `${minutes}分钟` : minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return language === 'zh' ? `${hours}小时` : `${hours} hours`;
}

/**
 * What a household's other chats read when a new chat was linked to their home: where, on
 * which channel, when (in `timeZone`), and whom to call if it was not them.
 */
export function bindNoticeText(notice: {
  language: Language;
  place: { building: string; unit: string };
  channel: ChannelName;
  at: Date;
  timeZone: string;
  help?: BindingHelp;
}): string {
  const { language } = notice;
  const time = new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: notice.timeZone,
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(notice.at);
  return localize(ownerTexts.bindingNewChatNotice, language, {
    place: formatPlace(notice.place.building, notice.place.unit, language),
    channel: localize(CHANNEL_NAMES[notice.channel], language),
    time,
    ...helpValues(notice.help ?? {}, language),
  });
}

/**
 * The text and placeholder values for a binding outcome, ready for `localize`. `now`
 * turns the end of a pause into minutes or hours; `help` says where a locked-out owner
 * gets help.
 */
export function bindingReply(
  result: BindingResult,
  language: Language,
  now: Date,
  help: BindingHelp = {},
): { text: LocalizedText; values: Record<string, string | number> } {
  switch (result.outcome) {
    case 'ask_unit':
      return { text: ownerTexts.bindingAskUnit, values: {} };
    case 'unit_not_understood':
      return { text: ownerTexts.bindingUnitNotUnderstood, values: {} };
    case 'ask_room':
      return {
        text: ownerTexts.bindingAskRoom,
        values: { building: language === 'zh' ? `${result.building}栋` : `Building ${result.building}` },
      };
    case 'ask_phone':
      return {
        text: ownerTexts.bindingAskPhone,
        values: { place: formatPlace(result.building, result.unit, language) },
      };
    case 'digits_not_understood':
      return { text: ownerTexts.bindingDigitsNotUnderstood, values: {} };
    case 'retry':
    case 'no_such_unit':
      return result.attemptsLeft === 1
        ? { text: ownerTexts.bindingMismatchLastTry, values: {} }
        : { text: ownerTexts.bindingMismatch, values: { attemptsLeft: result.attemptsLeft } };
    case 'wait':
      return { text: ownerTexts.bindingWait, values: { wait: formatWait(result.until, now, language) } };
    case 'locked':
      return {
        text: ownerTexts.bindingLocked,
        values: { wait: formatWait(result.lockedUntil, now, language), ...helpValues(help, language) },
      };
    case 'verified':
      return {
        text: ownerTexts.bindingVerified,
        values: { place: formatPlace(result.building, result.unit, language) },
      };
    case 'already_verified':
      return {
        text: ownerTexts.bindingAlreadyVerified,
        values: { place: formatPlace(result.building, result.unit, language) },
      };
    case 'cancelled':
      return { text: ownerTexts.bindingCancelled, values: {} };
  }
}
