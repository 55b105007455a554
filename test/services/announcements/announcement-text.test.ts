import {
  checkedText,
  noticeFor,
  parseAnnouncement,
  sendingReply,
} from '../../../services/announcements/announcement-text';
import { DomainError } from '../../../services/errors';

describe('announcement texts', () => {
  it('when staff name a building and write both languages, then each part is read', () => {
    expect(parseAnnouncement('building=7 明天停水 || Water off tomorrow')).toEqual({
      building: '7',
      text: { zh: '明天停水', en: 'Water off tomorrow' },
    });
    expect(parseAnnouncement('栋：3A 电梯检修')).toEqual({
      building: '3A',
      text: { zh: '电梯检修', en: '' },
    });
  });

  it('when staff write one language only, then it goes where its script says', () => {
    expect(parseAnnouncement('Fire drill on Saturday').text).toEqual({
      zh: '',
      en: 'Fire drill on Saturday',
    });
    expect(parseAnnouncement('周六消防演练').text).toEqual({ zh: '周六消防演练', en: '' });
  });

  it('when the text is empty or too long, then it is refused with a code saying which', () => {
    const codeOf = (text: { zh?: string; en?: string }) => {
      try {
        checkedText(text);
      } catch (error) {
        return error instanceof DomainError ? error.code : 'not a DomainError';
      }
      return 'accepted';
    };
    expect(codeOf({ zh: '  ', en: '' })).toBe('announcement_empty');
    expect(codeOf({ en: 'x'.repeat(2001) })).toBe('announcement_too_long');
    expect(checkedText({ zh: ' 停水 ' })).toEqual({ zh: '停水', en: '' });
  });

  it('when an owner reads a language the notice lacks, then they get the other one under their header', () => {
    const announcement = { text: { zh: '明天停水', en: '' } };
    expect(noticeFor(announcement, 'en')).toBe('📢 Notice from the property office\n明天停水');
    expect(noticeFor(announcement, 'zh')).toBe('📢【物业通知】\n明天停水');
  });

  it('when staff send to one building or to all, then the reply says so in both languages', () => {
    expect(sendingReply({ _id: 'ann-1', building: '7' })).toBe(
      '📢 ann-1: sending to building 7 · 7 栋业主. 通知发送中。',
    );
    expect(sendingReply({ _id: 'ann-2', building: '' })).toBe(
      '📢 ann-2: sending to all owners · 全体业主. 通知发送中。',
    );
  });
});
