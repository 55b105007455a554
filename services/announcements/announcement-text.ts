import { DomainError } from '../errors';
import { announcementTexts } from '../i18n/announcements';
import { localize, type Language } from '../i18n/text';
import type { AnnouncementRecord } from './announcement-model';

/** Characters per language: a notice longer than this belongs on the notice board, not in chat. */
const MAX_LENGTH = 2000;

/** `building=7 停水通知…|| Water off…`: an optional building, then zh || en (either may be alone). */
export function parseAnnouncement(input: string): { building: string; text: { zh: string; en: string } } {
  let rest = input.trim();
  let building = '';
  const target = /^(?:building|楼|栋|楼栋)\s*[=:：]\s*(\S+)\s+/i.exec(rest);
  if (target) {
    building = target[1] as string;
    rest = rest.slice(target[0].length);
  }
  const [first = '', second = ''] = rest.split('||').map((part) => part.trim());
  const hasChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);
  const text = second
    ? { zh: first, en: second }
    : hasChinese(first)
      ? { zh: first, en: '' }
      : { zh: '', en: first };
  return { building, text };
}

/** The notice's text trimmed; a DomainError when both languages are empty or one is too long. */
export function checkedText(text: { zh?: string; en?: string }): { zh: string; en: string } {
  const zh = (text.zh ?? '').trim();
  const en = (text.en ?? '').trim();
  if (!zh && !en)
    throw new DomainError('announcement_empty', 'An announcement needs a text (中文 || English)');
  if (zh.length > MAX_LENGTH || en.length > MAX_LENGTH)
    throw new DomainError(
      'announcement_too_long',
      `An announcement is at most ${MAX_LENGTH} characters per language`,
    );
  return { zh, en };
}

/** What an owner reading `language` receives: the header, then the notice in that language or else the other. */
export function noticeFor(announcement: Pick<AnnouncementRecord, 'text'>, language: Language): string {
  const body = announcement.text[language] || announcement.text[language === 'zh' ? 'en' : 'zh'];
  return `${localize(announcementTexts.header, language)}\n${body}`;
}

/** Slack's answer to `/announce`, in both languages (a slash command does not say which the sender reads). */
export function sendingReply(announcement: Pick<AnnouncementRecord, '_id' | 'building'>): string {
  const to = announcement.building
    ? `building ${announcement.building} · ${announcement.building} 栋业主`
    : 'all owners · 全体业主';
  return `📢 ${announcement._id}: sending to ${to}. 通知发送中。`;
}
