import { localize, oneLine, type Language } from '../i18n/text';
import { templateTexts } from '../i18n/wechat-official';
import type { TemplateData } from './api';

/** What ownerbot can put into a template field. */
export const TEMPLATE_VALUES = ['title', 'summary', 'time', 'action', 'property'] as const;
export type TemplateValueName = (typeof TEMPLATE_VALUES)[number];

/** The kinds of outreach with a template of their own. */
export type TemplateKind = 'survey' | 'return_visit' | 'notice';

/** A template id and which of our values goes into which of its fields. */
export interface TemplateSpec {
  id: string;
  fields: Array<{ key: string; value: TemplateValueName }>;
}

/** The mapping used when the configuration names only the template id. */
export const DEFAULT_TEMPLATE_FIELDS: TemplateSpec['fields'] = [
  { key: 'thing1', value: 'title' },
  { key: 'thing2', value: 'summary' },
  { key: 'time3', value: 'time' },
  { key: 'thing4', value: 'action' },
];

/**
 * Parses `TEMPLATE_ID` or `TEMPLATE_ID,thing1=title,time2=time,...` (the value of
 * `WECHAT_TEMPLATE_SURVEY` and its siblings). Returns the problem as a string when it is
 * not usable, for the configuration error.
 */
export function parseTemplateSpec(raw: string): TemplateSpec | string {
  const [id = '', ...pairs] = raw.split(',').map((part) => part.trim());
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(id))
    return 'must start with the template id from the admin console (10-64 letters, digits, _ or -)';
  if (pairs.length === 0) return { id, fields: DEFAULT_TEMPLATE_FIELDS };
  const fields: TemplateSpec['fields'] = [];
  for (const pair of pairs) {
    const [key = '', value = ''] = pair.split('=').map((part) => part.trim());
    if (!/^[a-z_]+\d*$/.test(key) || !(TEMPLATE_VALUES as readonly string[]).includes(value))
      return `has "${pair}": each field must be key=value with value one of ${TEMPLATE_VALUES.join(', ')} (e.g. thing1=title)`;
    fields.push({ key, value: value as TemplateValueName });
  }
  return { id, fields };
}

/** Which template an outbox purpose uses; undefined for purposes that never need one. */
export function templateKindOf(purpose: string): TemplateKind | undefined {
  if (purpose === 'survey') return 'survey';
  if (purpose === 'return_visit') return 'return_visit';
  if (purpose === 'announcement' || purpose === 'notification') return 'notice';
  return undefined;
}

/** `2026年11月22日 10:00` in the time zone: the format `time` and `date` fields accept. */
export function templateTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

/** The first line of the message that says something (numbered choices and progress markers aside). */
export function summaryOf(text: string): string {
  const lines = text
    .split('\n')
    .map((line) =>
      line
        .replace(/^[（(](第\s*)?\d+\s*\/\s*\d+\s*题?[)）]\s*/, '')
        .replace(/^\(question \d+ of \d+\)\s*/i, '')
        .replace(/^[^\p{L}\p{N}]+/u, '')
        .trim(),
    )
    .filter((line) => line !== '' && !/^\d+\.\s/.test(line));
  return lines[0] ?? '';
}

/** Cuts a value to what a field of this key's type takes (the template library's limits). */
export function fitToField(key: string, value: string): string {
  const clean = value.replace(/[\r\n\t]+/g, ' ').trim();
  const cut = (max: number) => oneLine(clean, max);
  if (/^(time|date)\d*$/.test(key)) return clean;
  if (/^phrase\d*$/.test(key))
    return Array.from(clean.replace(/[^\u4e00-\u9fa5]/g, ''))
      .slice(0, 5)
      .join('');
  if (/^(character_string|number|letter)\d*$/.test(key))
    return clean.replace(/[^\x21-\x7e]/g, '').slice(0, 32);
  if (/^name\d*$/.test(key)) return cut(10);
  return cut(20);
}

/** The `data` of a template message standing in for `text`, in the owner's language. */
export function renderTemplateData(
  spec: TemplateSpec,
  input: {
    kind: TemplateKind;
    text: string;
    language: Language;
    at: Date;
    timeZone: string;
    propertyName?: string;
  },
): TemplateData {
  const values: Record<TemplateValueName, string> = {
    title: localize(templateTexts.title[input.kind], input.language),
    summary: summaryOf(input.text) || localize(templateTexts.title[input.kind], input.language),
    time: templateTime(input.at, input.timeZone),
    action: localize(templateTexts.action[input.kind], input.language),
    property: input.propertyName ?? localize(templateTexts.property, input.language),
  };
  return Object.fromEntries(
    spec.fields.map(({ key, value }) => [key, { value: fitToField(key, values[value]) }]),
  );
}
