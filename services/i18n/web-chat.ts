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
} satisfies Record<string, LocalizedText>;
