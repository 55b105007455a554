import type { BindingResult } from '../owners/binding-rules';
import { splitUnit } from '../owners/household';
import type { Language, LocalizedText } from './text';

/**
 * What the owner sees while proving they own a unit. A wrong address and wrong digits get
 * the same words on purpose: the reply never tells which was wrong, nor whether the unit
 * is on file. Placeholders: {place}, {attemptsLeft}, {minutes}.
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
  bindingLocked: {
    zh: '为保护业主信息，身份验证已暂停，请 {minutes} 分钟后再试。如果您的登记信息有变化，请联系物业服务中心更新。',
    en: 'To protect owners’ information, verification is paused; please try again in {minutes} minutes. If your registered details have changed, please contact the property office to update them.',
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

/**
 * The text and placeholder values for a binding outcome, ready for `localize`. `now`
 * turns a lock-out end into minutes.
 */
export function bindingReply(
  result: BindingResult,
  language: Language,
  now: Date,
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
    case 'locked':
      return {
        text: ownerTexts.bindingLocked,
        values: { minutes: Math.max(1, Math.ceil((result.lockedUntil.getTime() - now.getTime()) / 60_000)) },
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
