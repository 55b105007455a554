import { z } from 'zod';

/**
 * The shapes of the Slack requests the desk acts on, checked after the signature and before
 * Bolt sees them: a correctly signed body that is not one of these (a `null` payload, an
 * event whose `ts` is not a string, a modal submission without its state) is refused with
 * 400 and a logged reason instead of failing inside a handler. Unknown fields pass through.
 */

const user = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  username: z.string().optional(),
});

const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user,
  trigger_id: z.string().optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  message: z.looseObject({ ts: z.string(), text: z.string().optional() }).optional(),
  actions: z
    .array(
      z.looseObject({
        action_id: z.string(),
        value: z.string().optional(),
        action_ts: z.string().optional(),
      }),
    )
    .min(1),
});

const inputValue = z.looseObject({
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
  selected_user: z.string().nullish(),
});

const viewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user,
  view: z.looseObject({
    id: z.string().optional(),
    callback_id: z.string(),
    private_metadata: z.string().optional(),
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), inputValue)) }),
  }),
});

const messageEvent = z.looseObject({
  type: z.literal('message'),
  ts: z.string(),
  channel: z.string(),
  user: z.string().optional(),
  text: z.string().optional(),
  thread_ts: z.string().optional(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  channel_type: z.string().optional(),
});

const otherEvent = z.looseObject({ type: z.string().refine((type) => type !== 'message') });

const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  event: z.union([messageEvent, otherEvent]),
});

const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: z.string() });

const slashCommand = z.looseObject({
  command: z.string().min(1),
  user_id: z.string().min(1),
  text: z.string(),
  trigger_id: z.string().optional(),
});

export type BlockActionsBody = z.infer<typeof blockActions>;
export type ViewSubmissionBody = z.infer<typeof viewSubmission>;
export type MessageEventBody = z.infer<typeof messageEvent>;
export type SlashCommandBody = z.infer<typeof slashCommand>;

/** The request types the desk handles; others (view_closed, shortcuts...) are acknowledged and left. */
const HANDLED = {
  block_actions: blockActions,
  view_submission: viewSubmission,
  event_callback: eventCallback,
  url_verification: urlVerification,
} as const;

/** A checked body, one the desk leaves alone, or why it is malformed (a path and a reason, never values). */
export type CheckedBody =
  | { kind: 'handled'; body: Record<string, unknown> }
  | { kind: 'ignored' }
  | { kind: 'malformed'; reason: string };

const reasonOf = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');

/** Checks a parsed interactive payload or event body (`slash` for a slash command's form fields). */
export function checkSlackBody(body: unknown, slash = false): CheckedBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { kind: 'malformed', reason: 'the body is not an object' };
  const record = body as Record<string, unknown>;
  const schema = slash ? slashCommand : HANDLED[String(record.type) as keyof typeof HANDLED];
  if (!schema)
    return typeof record.type === 'string'
      ? { kind: 'ignored' }
      : { kind: 'malformed', reason: 'type: missing' };
  const checked = schema.safeParse(record);
  return checked.success
    ? { kind: 'handled', body: checked.data as Record<string, unknown> }
    : { kind: 'malformed', reason: reasonOf(checked.error) };
}
