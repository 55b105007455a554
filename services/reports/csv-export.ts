import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { label } from '../i18n/labels';
import type { Language } from '../i18n/text';
import { localIso } from '../i18n/time';
import { maskPhone } from '../logging/logger';
import { ownerModels } from '../owners/owner-model';
import { surveyModels } from '../surveys/survey-model';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../tickets/sla';
import { ticketModels } from '../tickets/ticket-model';
import { CASE_FIELDS, caseFacts, type CaseRow } from './case-facts';

/**
 * One CSV cell. A cell that a spreadsheet would run as a formula (starting with = + - @,
 * or a tab or carriage return that some strip first) gets a leading apostrophe, so an
 * owner's "=HYPERLINK(...)" stays text; cells with separators or quotes are quoted.
 */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const row = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** Column keys and their zh headers; English headers are the keys. */
const CASE_COLUMNS: Array<[string, string]> = [
  ['reference', '编号'],
  ['kind', '类型'],
  ['intent', '意图'],
  ['category', '类别'],
  ['status', '状态'],
  ['building', '楼栋'],
  ['unit', '房号'],
  ['owner_id', '业主ID'],
  ['owner_name', '业主'],
  ['owner_phone', '电话'],
  ['demo', '演示数据'],
  ['staff_owner', '负责人'],
  ['created_at', '创建时间'],
  ['first_response_at', '首次响应时间'],
  ['resolved_at', '办结时间'],
  ['closed_at', '关闭时间'],
  ['first_response_minutes', '首次响应分钟'],
  ['resolution_minutes', '处理分钟'],
  ['response_sla', '响应时限'],
  ['resolution_sla', '处理时限'],
  ['reopens', '重开次数'],
  ['escalation_level', '升级级别'],
  ['return_visit_rating', '回访评分'],
  ['return_visit_comment', '回访意见'],
  ['root_cause', '原因'],
  ['corrective_action', '纠正措施'],
  ['preventive_action', '预防措施'],
  ['title', '摘要'],
];

const SURVEY_COLUMNS: Array<[string, string]> = [
  ['quarter', '季度'],
  ['campaign_id', '调查批次'],
  ['response_id', '答卷ID'],
  ['owner_id', '业主ID'],
  ['owner_name', '业主'],
  ['owner_phone', '电话'],
  ['demo', '演示数据'],
  ['building', '楼栋'],
  ['question_id', '题目'],
  ['dimension', '维度'],
  ['measure', '度量'],
  ['score', '评分'],
  ['text', '意见'],
  ['answered_at', '作答时间'],
];

export interface ExportOptions {
  connection: Connection;
  clock: Clock;
  /** Full phone numbers only when an admin asked for them explicitly; masked otherwise. */
  withPhones: boolean;
  /** Only this quarter (`2026Q4`); every quarter when absent. */
  quarter?: string;
  /** Column headers and values (kinds, statuses, outcomes) in this language; default en. */
  language?: Language;
  slaPolicy?: SlaPolicy;
  /** BOT_TIMEZONE: times are written on this clock, with its offset. */
  timeZone?: string;
}

/** How a file in one language and time zone writes labels, yes/no and times. */
function cellsFor(options: ExportOptions) {
  const language = options.language ?? 'en';
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  return {
    language,
    label: (code: string) => (code ? label(code, language) : ''),
    yesNo: (value: boolean) => (language === 'zh' ? (value ? '是' : '否') : value ? 'yes' : 'no'),
    time: (at: Date | string | null | undefined) => (at ? localIso(new Date(at), timeZone) : ''),
  };
}

async function ownerDirectory(connection: Connection, withPhones: boolean) {
  const directory = new Map<
    string,
    { name: string; phone: string; demo: boolean; building: string; unit: string }
  >();
  const cursor = ownerModels(connection)
    .owners.find({}, { name: 1, phone: 1, demo: 1, building: 1, unit: 1 })
    .lean()
    .cursor({ batchSize: 2000 });
  for await (const owner of cursor) {
    directory.set(String(owner._id), {
      name: owner.name,
      phone: withPhones ? owner.phone : maskPhone(owner.phone),
      demo: owner.demo === true,
      building: owner.building ?? '',
      unit: owner.unit ?? '',
    });
  }
  return directory;
}

const header = (columns: Array<[string, string]>, language: Language) =>
  // The byte-order mark makes Excel read UTF-8 (Chinese names) correctly.
  `\uFEFF${row(columns.map(([en, zh]) => (language === 'zh' ? zh : en)))}`;

/** One case as a CSV row: labels, local times, the owner's home when the case has none. */
function caseRow(
  ticket: CaseRow,
  owner: { name: string; phone: string; demo: boolean; building: string; unit: string } | undefined,
  f: ReturnType<typeof caseFacts>,
  c: ReturnType<typeof cellsFor>,
): string {
  const history = Array.isArray(ticket.history) ? ticket.history : [];
  const firstResponse = history.find((h) => ['claimed', 'started', 'resolved'].includes(h.action));
  return row([
    ticket.reference,
    c.label(ticket.kind),
    c.label(ticket.intent),
    c.label(ticket.category),
    c.label(ticket.status),
    ticket.building || owner?.building || '',
    ticket.unit || owner?.unit || '',
    ticket.ownerId,
    owner?.name ?? '',
    owner?.phone ?? '',
    owner ? c.yesNo(owner.demo) : '',
    ticket.assigneeName,
    c.time(ticket.createdAt),
    c.time(firstResponse?.at),
    c.time(ticket.resolvedAt),
    c.time(ticket.closedAt),
    f.firstResponseMinutes === null ? '' : Math.round(f.firstResponseMinutes),
    f.resolutionMinutes === null ? '' : Math.round(f.resolutionMinutes),
    c.label(f.acknowledge),
    c.label(f.resolve),
    f.reopens,
    ticket.escalationLevel ?? 0,
    ticket.returnVisit?.rating ?? '',
    ticket.returnVisit?.comment ?? '',
    ticket.summary?.rootCause ?? '',
    ticket.summary?.correctiveAction ?? '',
    ticket.summary?.preventiveAction ?? '',
    ticket.title,
  ]);
}

/**
 * The cases CSV, one row per case in stored order, as chunks of text (for a file or an HTTP
 * body). Unsorted on purpose: a sort of every case would be held in the database's memory.
 */
export async function* casesCsv(options: ExportOptions): AsyncGenerator<string> {
  const cells = cellsFor(options);
  const owners = await ownerDirectory(options.connection, options.withPhones);
  const now = options.clock.now();
  yield header(CASE_COLUMNS, cells.language);
  const filter = options.quarter ? { quarter: options.quarter } : {};
  const projection = Object.fromEntries(CASE_FIELDS.map((f) => [f, 1]));
  const cursor = ticketModels(options.connection)
    .Tickets.find(filter, projection)
    .lean<CaseRow[]>()
    .cursor({ batchSize: 500 });
  let chunk = '';
  for await (const ticket of cursor as AsyncIterable<CaseRow>) {
    const f = caseFacts(ticket, now, options.slaPolicy ?? DEFAULT_SLA_POLICY);
    chunk += caseRow(ticket, ticket.ownerId ? owners.get(ticket.ownerId) : undefined, f, cells);
    if (chunk.length > 64_000) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** The survey CSV, one row per answered question. */
export async function* surveysCsv(options: ExportOptions): AsyncGenerator<string> {
  const c = cellsFor(options);
  const owners = await ownerDirectory(options.connection, options.withPhones);
  yield header(SURVEY_COLUMNS, c.language);
  const filter = options.quarter ? { quarter: options.quarter } : {};
  const cursor = surveyModels(options.connection).Answers.find(filter).lean().cursor({ batchSize: 2000 });
  let chunk = '';
  for await (const answer of cursor) {
    const owner = owners.get(answer.ownerId);
    chunk += row([
      answer.quarter,
      answer.campaignId,
      answer.responseId,
      answer.ownerId,
      owner?.name ?? '',
      owner?.phone ?? '',
      owner ? c.yesNo(owner.demo) : '',
      answer.building || owner?.building || '',
      answer.questionId,
      c.label(answer.dimension),
      c.label(answer.measure),
      answer.score ?? '',
      answer.text,
      c.time(answer.at),
    ]);
    if (chunk.length > 64_000) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
