/** One CSV record and the line it starts on (1-based; a quoted field may span lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses RFC 4180 CSV: quoted fields with "" escapes, commas and line breaks inside quotes,
 * CRLF, LF or CR line ends, a leading BOM. Blank lines are skipped. Unquoted fields are
 * trimmed (spreadsheets pad them). An unterminated quote ends parsing with `error`.
 */
export function parseCsv(text: string): { records: CsvRecord[]; error?: { line: number; reason: string } } {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // the current field started with a quote
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;

  const endField = () => {
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !quotedRecord;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    quotedRecord = false;
  };
  let quotedRecord = false;

  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (inQuotes) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else if (char === '\r' || char === '\n') {
        if (char === '\r' && input[i + 1] === '\n') i++;
        field += '\n';
        line++;
      } else {
        field += char;
      }
      continue;
    }
    if (char === '"' && field.trim() === '' && !quoted) {
      // A quote opens a quoted field only at its start (spaces before it are padding).
      field = '';
      quoted = true;
      quotedRecord = true;
      inQuotes = true;
    } else if (char === ',') {
      endField();
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && input[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (quoted && (char === ' ' || char === '\t')) {
      // padding after a closing quote
    } else {
      field += char; // a stray quote inside an unquoted field is kept as text
    }
  }
  if (inQuotes)
    return {
      records,
      error: { line: recordLine, reason: 'unterminated quoted field (a closing " is missing)' },
    };
  if (field !== '' || quoted || fields.length > 0) endRecord();
  return { records };
}
