/**
 * How owners write where they live and how they are reached, reduced to one canonical
 * form. The import and the binding dialog both go through these functions, so
 * "5号楼2单元1203" typed in a chat matches the row `5,2-1203` of the owner file.
 */

/** A dwelling: building, optional entrance (单元), room. `unit` is `entrance-room` or `room`. */
export interface UnitAddress {
  building: string;
  /** '' when not given; many estates have no entrances. */
  entrance: string;
  room: string;
  unit: string;
}

const CHINESE_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 五 -> 5, 十二 -> 12, 二十三 -> 23; undefined beyond 99 or for anything else. */
function chineseNumber(text: string): number | undefined {
  const digit = (char: string | undefined) => (char === undefined ? undefined : CHINESE_DIGITS[char]);
  const ten = text.indexOf('十');
  if (ten < 0) return text.length === 1 ? digit(text) : undefined;
  if (text.indexOf('十', ten + 1) >= 0) return undefined;
  const tens = ten === 0 ? 1 : digit(text.slice(0, ten));
  const rest = text.slice(ten + 1);
  const ones = rest === '' ? 0 : digit(rest);
  if (tens === undefined || ones === undefined || ten > 1 || rest.length > 1) return undefined;
  return tens * 10 + ones;
}

const TOKEN = '[0-9A-Z]+';
const ROOM_TOKEN = '[0-9A-Z]*\\d[0-9A-Z]*';

/**
 * Rewrites the many ways of writing an address into one marked string: `<b>栋`, `<e>单元`,
 * `<r>室`, plus unmarked leftovers such as the parts of "5-2-1203".
 */
function markParts(text: string): string {
  let s = text.normalize('NFKC').toUpperCase();
  // Chinese numerals only where they name a building, entrance or floor ("二单元").
  s = s.replace(/[零〇一二两三四五六七八九十]{1,3}(?=\s*(?:号楼|栋|幢|座|单元|号|楼|层))/g, (numeral) => {
    const value = chineseNumber(numeral);
    return value === undefined ? numeral : String(value);
  });
  // Labelled forms: "楼栋：5 单元：2 房号：1203".
  s = s.replace(new RegExp(`(?:楼栋号?|楼号|栋号)\\s*[:：]?\\s*(${TOKEN})`, 'g'), ' $1栋 ');
  s = s.replace(/单元号?\s*[:：]\s*(\d+)/g, ' $1单元 ');
  s = s.replace(new RegExp(`(?:房间号|房号|门牌号|房间|门牌)\\s*[:：]?\\s*(${ROOM_TOKEN})`, 'g'), ' $1室 ');
  s = s.replace(new RegExp(`[室房]\\s*[:：]\\s*(${ROOM_TOKEN})`, 'g'), ' $1室 ');
  // Floors are implied by the room number; drop them.
  s = s.replace(/\d+\s*(?:楼层|层)/g, ' ');
  // English: "Building 5 unit 1203", "Blk A, Flat 2-1203", "Entrance 2", "B5 1203".
  s = s.replace(
    new RegExp(`\\b(?:BUILDING|BLDG|BLD|BLOCK|BLK|TOWER)\\b\\.?\\s*(?:NO\\.?\\s*)?#?\\s*(${TOKEN})\\b`, 'g'),
    ' $1栋 ',
  );
  s = s.replace(/\b(?:ENTRANCE|STAIRCASE|STAIR|ENTRY)\b\.?\s*(?:NO\.?\s*)?#?\s*(\d+)\b/g, ' $1单元 ');
  s = s.replace(
    new RegExp(
      `\\b(?:UNIT|FLAT|ROOM|RM|APARTMENT|APT|SUITE)\\b\\.?\\s*#?\\s*(?:(\\d+)\\s*-\\s*)?(${ROOM_TOKEN})\\b`,
      'g',
    ),
    (_match, entrance: string | undefined, room: string) =>
      entrance ? ` ${entrance}单元 ${room}室 ` : ` ${room}室 `,
  );
  s = s.replace(/\bB(\d+)\b/g, ' $1栋 ');
  // Chinese markers: 号楼, 幢, 座 and "#" name a building; "5楼1203" and "5号2单元" do too.
  s = s.replace(/号楼|幢|座|#/g, '栋');
  s = s.replace(/([0-9A-Z])\s*楼/g, '$1栋');
  s = s.replace(/号(?=\s*[0-9A-Z])/g, '栋');
  s = s.replace(/[号房]/g, '室');
  return s;
}

const stripZeros = (token: string) => (/^\d+$/.test(token) ? String(Number.parseInt(token, 10)) : token);

function isBuilding(token: string): boolean {
  return /^[0-9A-Z]{1,6}$/.test(token) && (/\d/.test(token) || token.length <= 2);
}

function build(building: string, entrance: string, room: string): UnitAddress | undefined {
  const b = stripZeros(building);
  const e = entrance ? stripZeros(entrance) : '';
  const r = stripZeros(room);
  if (!isBuilding(b)) return undefined;
  if (e && !/^\d{1,2}$/.test(e)) return undefined;
  if (!/^[0-9A-Z]{1,8}$/.test(r) || !/\d/.test(r)) return undefined;
  return { building: b, entrance: e, room: r, unit: e ? `${e}-${r}` : r };
}

/**
 * Reads a building and unit as owners type them: "5-1203", "5-2-1203", "5栋1203",
 * "5号楼2单元1203", "五栋二单元1203室", "Building 5 unit 1203", "B5 1203", "A座1203".
 * Undefined when the building or the room cannot be told apart with confidence.
 */
export function parseUnitAddress(text: string): UnitAddress | undefined {
  if (typeof text !== 'string' || text.length > 200) return undefined;
  let s = markParts(text);
  const take = (pattern: string): string | undefined => {
    const regex = new RegExp(pattern);
    const match = regex.exec(s);
    if (!match) return undefined;
    s = `${s.slice(0, match.index)} ${s.slice(match.index + match[0].length)}`;
    if (regex.test(s)) throw new Ambiguous(); // two buildings or two rooms: not guessing
    return match[1];
  };
  let building: string | undefined;
  let entrance: string | undefined;
  let room: string | undefined;
  try {
    building = take(`(${TOKEN})\\s*栋`);
    entrance = take(`(\\d+)\\s*单元`);
    room = take(`(${TOKEN})\\s*室`);
  } catch (error) {
    if (error instanceof Ambiguous) return undefined;
    throw error;
  }
  s = s.replace(/[栋室]|单元/g, ' ');

  // Leftover parts: numbers, and single letters joined by "-" ("A-1203"); other words are prose.
  const leftovers: string[] = [];
  for (const match of s.matchAll(/[0-9A-Z]+/g)) {
    const token = match[0];
    const before = s[match.index - 1];
    const after = s[match.index + token.length];
    if (/\d/.test(token) || (token.length === 1 && (before === '-' || after === '-'))) leftovers.push(token);
  }
  // Fill what is missing: the first leftover is the building, the last the room, a middle one the entrance.
  if (room === undefined) room = leftovers.pop();
  if (building === undefined) building = leftovers.shift();
  if (entrance === undefined && leftovers.length > 0) entrance = leftovers.shift();
  if (leftovers.length > 0 || building === undefined || room === undefined) return undefined;
  return build(building, entrance ?? '', room);
}

class Ambiguous extends Error {}

/**
 * A building on its own, as owners answer "which building?" before the room: "3栋", "3号楼",
 * "Block 3", "Building 3", "B3". Undefined when the text holds a room too, or no building.
 */
export function parseBuildingOnly(text: string): string | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const tokens = [...markParts(text).matchAll(/[0-9A-Z]+/g)].map((match) => match[0]);
  if (tokens.length !== 1) return undefined;
  const building = stripZeros(tokens[0] as string);
  return isBuilding(building) ? building : undefined;
}

/**
 * Reads the building and unit columns of the owner file with the same rules as the chat,
 * so both sides agree: building "5", "5栋", "B5" or "Building 5"; unit "1203", "2-1203",
 * "2单元1203" or "Unit 1203".
 */
export function parseHousehold(building: string, unit: string): UnitAddress | undefined {
  const tokens = [...markParts(building).matchAll(/[0-9A-Z]+/g)].map((match) => match[0]);
  if (tokens.length !== 1) return undefined;
  const canonical = stripZeros(tokens[0] as string);
  if (!isBuilding(canonical)) return undefined;
  const address = parseUnitAddress(`${canonical}栋 ${unit}`);
  return address?.building === canonical ? address : undefined;
}

/** Splits a canonical unit ("2-1203" or "1203") back into entrance and room. */
export function splitUnit(unit: string): { entrance: string; room: string } {
  const dash = unit.indexOf('-');
  return dash < 0
    ? { entrance: '', room: unit }
    : { entrance: unit.slice(0, dash), room: unit.slice(dash + 1) };
}

/** The owner's household, as one key: unique per building, unit and phone. */
export function householdKey(address: Pick<UnitAddress, 'building' | 'unit'>, phone: string): string {
  return `${address.building}/${address.unit}/${phone}`;
}

export type PhoneResult = { ok: true; phone: string } | { ok: false; reason: string };

/**
 * Normalizes a phone number to digits: separators dropped, "+"/"00" dropped, and the
 * country code 86 dropped before a mainland mobile, so "+86 138-0013-8000" equals
 * "13800138000". 7 to 15 digits (E.164). Reasons never repeat the number.
 */
export function normalizePhone(text: string): PhoneResult {
  const raw = text.normalize('NFKC').trim();
  if (raw === '') return { ok: false, reason: 'phone is missing' };
  if (/^\d(?:\.\d+)?E\+?\d+$/i.test(raw))
    return {
      ok: false,
      reason: 'phone was turned into a number by a spreadsheet (like 1.38E+10): format the column as text',
    };
  if (!/^\+?[\d\s\-().]+$/.test(raw))
    return { ok: false, reason: 'phone may contain only digits, spaces, +, - and ()' };
  let digits = raw.replace(/\D/g, '');
  if (!raw.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2);
  if (digits.length === 13 && /^861\d{10}$/.test(digits)) digits = digits.slice(2);
  if (digits.length < 7 || digits.length > 15) return { ok: false, reason: 'phone must have 7 to 15 digits' };
  return { ok: true, phone: digits };
}
