import type { LocalizedText } from './text';

/** What owners read above every announcement. */
export const announcementTexts = {
  header: { zh: '📢【物业通知】', en: '📢 Notice from the property office' },
} satisfies Record<string, LocalizedText>;
