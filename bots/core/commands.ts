import type { Language } from '../../services/i18n/text';

/** What an owner can ask for by command, button or keyword instead of free text. */
export type OwnerCommand =
  | { kind: 'menu' }
  | { kind: 'my_cases' }
  | { kind: 'language'; to?: Language }
  | { kind: 'bind' }
  | { kind: 'cancel' }
  | { kind: 'human' }
  | { kind: 'start_intent'; intent: 'help_seeking' | 'consulting' | 'dissatisfaction' };

/** Button actions the core offers; channels send them back as `InboundMessage.action`. */
export const ACTIONS = {
  menu: 'menu',
  repair: 'menu:repair',
  question: 'menu:question',
  complaint: 'menu:complaint',
  myCases: 'menu:cases',
  language: 'menu:language',
  clarifyRepair: 'clarify:help_seeking',
  clarifyQuestion: 'clarify:consulting',
  clarifyComplaint: 'clarify:dissatisfaction',
} as const;

const ACTION_COMMANDS: Record<string, OwnerCommand> = {
  [ACTIONS.menu]: { kind: 'menu' },
  [ACTIONS.repair]: { kind: 'start_intent', intent: 'help_seeking' },
  [ACTIONS.question]: { kind: 'start_intent', intent: 'consulting' },
  [ACTIONS.complaint]: { kind: 'start_intent', intent: 'dissatisfaction' },
  [ACTIONS.myCases]: { kind: 'my_cases' },
  [ACTIONS.language]: { kind: 'language' },
};

/**
 * Keywords are matched on the whole message (after trimming, case and trailing punctuation),
 * so "menu" is a command but "the menu in the clubhouse is wrong" is a message.
 */
const KEYWORDS: Array<[RegExp, OwnerCommand]> = [
  [/^(\/start|\/help|\/menu|menu|help|菜单|帮助|开始)$/, { kind: 'menu' }],
  [/^(\/status|my cases|my case|cases|status|我的工单|工单|查询工单|进度)$/, { kind: 'my_cases' }],
  [/^(\/lang|language|语言|切换语言)$/, { kind: 'language' }],
  [/^(english|英文|in english)$/, { kind: 'language', to: 'en' }],
  [/^(中文|chinese|简体中文|说中文)$/, { kind: 'language', to: 'zh' }],
  [/^(\/bind|bind|绑定|绑定房号|登记房号)$/, { kind: 'bind' }],
  [/^(\/cancel|cancel|取消)$/, { kind: 'cancel' }],
  [/^(agent|human|staff|real person|人工|人工客服|转人工|客服)$/, { kind: 'human' }],
];

/** The command in a message or button press, if it is one. */
export function parseCommand(text: string, action: string): OwnerCommand | undefined {
  if (action) {
    const byAction = ACTION_COMMANDS[action];
    if (byAction) return byAction;
  }
  const normalized = text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[.!?。！？~～]+$/u, '')
    .trim();
  if (normalized === '' || normalized.length > 20) return undefined;
  // Telegram appends the bot name in groups: /start@ownerbot.
  const bare = normalized.replace(/^(\/\w+)@\w+$/, '$1');
  return KEYWORDS.find(([pattern]) => pattern.test(bare))?.[1];
}
