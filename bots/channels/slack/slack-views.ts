import { CATEGORIES, INTENTS } from '../../../nlp';
import { label } from '../../../services/i18n/labels';
import { fieldTexts, staffTexts } from '../../../services/i18n/staff';
import { formTexts } from '../../../services/i18n/staff-forms';
import { localize, type Language } from '../../../services/i18n/text';
import type { TicketRecord } from '../../../services/tickets/ticket-model';
import type { ResolutionField } from '../../../services/tickets/ticket-service';
import { isComplaint } from '../../../services/tickets/transitions';

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
/** Slack caps modal titles at 24 characters. */
const title = (text: string) => plain(text.slice(0, 24));

/** The modal block each resolution field lives in (its error is shown there). */
export const FIELD_BLOCKS: Record<ResolutionField, string> = {
  result: 'resolution',
  rootCause: 'root_cause',
  correctiveAction: 'corrective_action',
  preventiveAction: 'preventive_action',
};

function textInput(blockId: string, text: string, optional: boolean) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional,
    label: plain(text),
    element: { type: 'plain_text_input' as const, action_id: blockId, multiline: true },
  };
}

function select(
  blockId: string,
  text: string,
  options: readonly string[],
  language: Language,
  current: string,
) {
  const option = (value: string) => ({ text: plain(label(value, language)), value });
  return {
    type: 'input' as const,
    block_id: blockId,
    label: plain(text),
    element: {
      type: 'static_select' as const,
      action_id: blockId,
      options: options.map(option),
      ...(options.includes(current) ? { initial_option: option(current) } : {}),
    },
  };
}

/** The Resolve modal: the result the owner reads, and for complaints the three-part summary (all required). */
export function resolveView(ticket: TicketRecord, language: Language) {
  const t = (key: keyof typeof formTexts) => localize(formTexts[key], language);
  const complaint = isComplaint(ticket);
  return {
    type: 'modal' as const,
    callback_id: `resolve:${String(ticket._id)}`,
    title: title(localize(formTexts.resolveTitle, language, { reference: ticket.reference })),
    submit: plain(localize(staffTexts.resolve, language)),
    close: plain(t('cancel')),
    blocks: [
      textInput(FIELD_BLOCKS.result, t('result'), false),
      ...(complaint
        ? [
            textInput(FIELD_BLOCKS.rootCause, t('rootCause'), false),
            textInput(FIELD_BLOCKS.correctiveAction, t('correctiveAction'), false),
            textInput(FIELD_BLOCKS.preventiveAction, t('preventiveAction'), false),
          ]
        : []),
    ],
  };
}

/** The Reclassify modal: the intent and category the owner's message really had. */
export function reclassifyView(ticket: TicketRecord, language: Language) {
  return {
    type: 'modal' as const,
    callback_id: `reclassify:${String(ticket._id)}`,
    title: title(localize(formTexts.reclassifyTitle, language, { reference: ticket.reference })),
    submit: plain(localize(formTexts.save, language)),
    blocks: [
      select('intent', localize(formTexts.intent, language), INTENTS, language, ticket.intent),
      select('category', localize(formTexts.category, language), CATEGORIES, language, ticket.category),
    ],
  };
}

/** The Hand over modal: pick the colleague who should own the case (they must accept). */
export function handoverView(ticket: TicketRecord, language: Language) {
  return {
    type: 'modal' as const,
    callback_id: `handover:${String(ticket._id)}`,
    title: title(localize(formTexts.handoverTitle, language, { reference: ticket.reference })),
    submit: plain(localize(formTexts.ask, language)),
    blocks: [
      {
        type: 'input' as const,
        block_id: 'colleague',
        label: plain(localize(formTexts.colleague, language)),
        element: { type: 'users_select' as const, action_id: 'colleague' },
      },
    ],
  };
}

/** The modal's answer naming each empty required field in the staff language. */
export function fieldErrors(fields: readonly ResolutionField[], language: Language) {
  return {
    response_action: 'errors' as const,
    errors: Object.fromEntries(
      fields.map((field) => [FIELD_BLOCKS[field], localize(fieldTexts[field], language)]),
    ),
  };
}
