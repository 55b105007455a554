import { normalizeText } from './normalize';

/*
 * A request for a person ("人工", "转人工", "agent", "can I talk to a real person") is not a
 * case of any category: it asks for someone, not about something. Only a message that is
 * little more than the request counts; "I want to talk to someone about my parking fee"
 * carries its own subject and is understood as that.
 */

const REQUEST =
  /转人工|转接人工|人工客服|人工服务|真人客服|人工|真人|客服人员|工作人员|(?:不要|别用|不用|不想跟)机器人|\b(?:live agent|real person|live person|real human|a human|human being|customer service|agent|human|operator|representative|someone real|not a (?:bot|robot|machine)|stop the bot)\b|\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|some\s+|the\s+)?(?:person|staff|someone|somebody|manager)\b/gu;
/** Words around the request that add no subject: courtesy, "I want", "can I", "please", particles. */
const FILLER =
  /\b(?:i|i'd|id|would|like|want|wanna|need|to|talk|speak|chat|with|can|could|may|please|pls|plz|a|an|the|get|me|let|connect|transfer|put|through|now|asap|hello|hi|hey|is|there|any|anyone|not|bot|robot|just|ok|okay)\b|我|要|想|需要|请|麻烦|帮我|给我|找|转|接|联系|跟|和|同|说话|说|聊|讲|谈|一下|下|吧|呢|啊|呀|吗|嘛|啦|的|在不在|在吗|有没有|可以|可不可以|能不能|能|可否|不要|机器人|你好|您好|谢谢|马上|现在|快/gu;
const LEFTOVER = /[\p{L}\p{N}]/gu;

/** True when the message asks for a person and says nothing else worth routing ("人工", "agent"). */
export function isHandoverRequest(text: string): boolean {
  if (text.length > 200) return false;
  const normalized = normalizeText(text);
  if (normalized.length > 60) return false;
  REQUEST.lastIndex = 0;
  if (!REQUEST.test(normalized)) return false;
  const rest = normalized.replace(REQUEST, ' ').replace(FILLER, ' ');
  return (rest.match(LEFTOVER)?.length ?? 0) <= 2;
}
