import type { LocalizedText } from './text';

/** What the web chat's HTTP layer says to the page (and to anyone calling its API). */
export const webChatTexts = {
  rateLimited: {
    zh: '您发送得太频繁了，请稍等片刻再试。紧急情况请直接拨打物业值班电话。',
    en: 'You are sending too fast; please wait a moment and try again. In an emergency, call the property duty line.',
  },
  sessionUnknown: {
    zh: '会话已失效，请刷新页面重新开始。',
    en: 'This chat session is not valid any more; reload the page to start again.',
  },
  tooManyStreams: {
    zh: '打开的聊天窗口太多了，请关闭一些再试。',
    en: 'Too many chat windows are open; close some and try again.',
  },
  notAPhoto: {
    zh: '只能发送照片（JPEG、PNG、WebP 或 HEIC）。',
    en: 'Only photos can be sent (JPEG, PNG, WebP or HEIC).',
  },
  photoTooLarge: {
    zh: '照片太大了，请发送 {max} MB 以内的照片。',
    en: 'This photo is too large; please send one of at most {max} MB.',
  },
  photoUnknown: {
    zh: '照片没有上传成功，请重新选择照片。',
    en: 'The photo did not upload; please choose it again.',
  },
  emptyMessage: {
    zh: '请输入内容，或点击一个按钮。',
    en: 'Write a message or press a button.',
  },
  notReady: {
    zh: '聊天正在启动，请稍后再试。',
    en: 'The chat is starting; try again in a moment.',
  },
} satisfies Record<string, LocalizedText>;
