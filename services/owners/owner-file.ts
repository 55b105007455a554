import type { Language } from '../i18n/text';
import { maskPhone } from '../logging/logger';
import { parseCsv } from './csv';
import { householdKey, normalizePhone, parseHousehold } from './household';

const COLUMNS = ['name', 'building', 'unit', 'phone', 'language'] as const;
type Column = (typeof COLUMNS)[number];
/** Header names accepted for each column, so a file exported from a Chinese spreadsheet works as is. */
const HEADER_ALIASES: Record<Column, string[]> = {
  name: ['name', '姓名', '业主姓名', '业主'],
  building: ['building', '楼栋', '楼号', '栋'],
  unit: ['unit', 'room', '房号', '房间号', '门牌号'],
  phone: ['phone', 'mobile', '电话', '手机', '手机号', '手机号码', '联系电话'],
  language: ['language', 'lang', '语言'],
};
const LANGUAGE_ALIASES: Record<string, Language> = {
  '': 'zh',
  zh: 'zh',
  'zh-cn': 'zh',
  'zh-hans': 'zh',
  'zh-tw': 'zh',
  'zh-hk': 'zh',
  cn: 'zh',
  chinese: 'zh',
  中文: 'zh',
  en: 'en',
  'en-us': 'en',
  'en-gb': 'en',
  english: 'en',
  英文: 'en',
  英语: 'en',
};

export interface OwnerFile {
  rows: OwnerRow[];
  /** Rows not usable, by line number of the file (the header is line 1), with every reason. */
  rejected: Array<{ line: number; reason: string }>;
}

/**
 * Reads the owner file (header `name,building,unit,phone,language` in any order, Chinese
 * header names accepted, language optional and `zh` by default) and validates each row.
 * Pure: nothing is stored. Reasons never repeat a phone number.
 */
export function readOwnerFile(text: string): OwnerFile {
  const rejected: OwnerFile['rejected'] = [];
  const { records, error } = parseCsv(text);
  const header = records[0];
  if (!header) {
    rejected.push({
      line: 1,
      reason: `the file is empty; expected the header ${COLUMNS.join(',')}`,
    });
    return { rows: [], rejected };
  }
  const columns = mapHeader(header.fields);
  if ('missing' in columns) {
    rejected.push({
      line: header.line,
      reason: `the header lacks ${columns.missing.join(', ')}; expected ${COLUMNS.join(',')}`,
    });
    return { rows: [], rejected };
  }

  const rows: OwnerRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of records.slice(1)) {
    const row = validateRow(record.fields, columns.index, header.fields.length);
    if ('problems' in row) {
      rejected.push({ line: record.line, reason: row.problems.join('; ') });
      continue;
    }
    const earlier = firstLineOf.get(row.householdKey);
    if (earlier !== undefined) {
      rejected.push({
        line: record.line,
        reason: `duplicate of line ${earlier} (same building, unit and phone)`,
      });
      continue;
    }
    firstLineOf.set(row.householdKey, record.line);
    rows.push(row);
  }
  if (error) rejected.push(error);
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected };
}

/** One valid row of the owner file, normalized. */
export interface OwnerRow {
  name: string;
  building: string;
  unit: string;
  entrance: string;
  room: string;
  phone: string;
  language: Language;
  householdKey: string;
}

function mapHeader(fields: string[]): { index: Record<Column, number> } | { missing: Column[] } {
  const normalized = fields.map((field) => field.normalize('NFKC').trim().toLowerCase());
  const index = {} as Record<Column, number>;
  const missing: Column[] = [];
  for (const column of COLUMNS) {
    const position = normalized.findIndex((field) => HEADER_ALIASES[column].includes(field));
    if (position >= 0) index[column] = position;
    else if (column !== 'language')
      missing.push(column); // without a language column everyone gets zh
    else index[column] = -1;
  }
  return missing.length > 0 ? { missing } : { index };
}

function validateRow(
  fields: string[],
  index: Record<Column, number>,
  headerLength: number,
): OwnerRow | { problems: string[] } {
  if (fields.length !== headerLength)
    return {
      problems: [
        `has ${fields.length} fields but the header has ${headerLength}` +
          (fields.length > headerLength ? ' (put a value containing a comma in double quotes)' : ''),
      ],
    };
  const value = (column: Column) => (index[column] < 0 ? '' : (fields[index[column]] ?? '').trim());
  const problems: string[] = [];

  const name = value('name').replace(/\s+/g, ' ');
  if (!name) problems.push('name is missing');
  else if (name.length > 100) problems.push('name is longer than 100 characters');

  const building = value('building');
  const unit = value('unit');
  let address: ReturnType<typeof parseHousehold>;
  if (!building) problems.push('building is missing');
  if (!unit) problems.push('unit is missing');
  if (building && unit) {
    address = parseHousehold(building, unit);
    if (!address)
      problems.push(
        `building/unit not understood: ${quote(`${building} ${unit}`)} (e.g. building 5, unit 1203 or 2-1203)`,
      );
  }

  const phone = normalizePhone(value('phone'));
  if (!phone.ok) problems.push(phone.reason);

  const languageText = value('language').normalize('NFKC').toLowerCase();
  const language = LANGUAGE_ALIASES[languageText];
  if (!language) problems.push(`language must be zh or en, got ${quote(languageText.slice(0, 20))}`);

  if (problems.length > 0 || !address || !phone.ok || !language) return { problems };
  return {
    name,
    building: address.building,
    unit: address.unit,
    entrance: address.entrance,
    room: address.room,
    phone: phone.phone,
    language,
    householdKey: householdKey(address, phone.phone),
  };
}

/** Echoes a cell in a reason, with anything that looks like a phone number masked. */
function quote(text: string): string {
  return JSON.stringify(
    text
      .slice(0, 60)
      .replace(/\d[\d\s-]{5,}\d/g, (run) => (run.replace(/\D/g, '').length >= 7 ? maskPhone(run) : run)),
  );
}
