import type { LocalizedText } from './text';

/** What a sender over the flood limit is told, once per ten minutes: stored, no need to resend, say so if urgent. */
export const floodTexts = {
  slowDown: {
    zh: '您好，我们已收到您的多条消息，正在处理中，无需重复发送。如有紧急情况（火情、燃气、漏水、被困电梯等），请直接说明，我们会立即处理。',
    en: 'Hello, we have received your messages and are working on them; there is no need to send them again. If this is an emergency (fire, gas, flooding, someone trapped in a lift), just say so and we will act at once.',
  },
} satisfies Record<string, LocalizedText>;
