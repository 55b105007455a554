import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { systemClock, type Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { createOwnerService } from './owner-service';

/** sysexits: EX_DATAERR (some rows rejected) and EX_NOINPUT (file missing or unreadable). */
export const EXIT_ROWS_REJECTED = 65;
export const EXIT_NO_INPUT = 66;

/**
 * `ownerbot owners import FILE.csv`: imports the owner file and writes a report of new,
 * updated and rejected rows (with line numbers and reasons) to `out`. Returns the exit
 * code: 0 when every row was imported, 65 when some were rejected (the others are
 * imported), 66 when the file cannot be read. Problems reading the file go to `errors`
 * (default `out`) as one line, never a stack trace.
 */
export async function runOwnersImport(options: {
  file: string;
  connection: Connection;
  out: Writable;
  errors?: Writable;
  clock?: Clock;
  logger?: Logger;
  /** Marks the imported owners as demo data (kept out of surveys and reports). */
  demo?: boolean;
}): Promise<number> {
  const errors = options.errors ?? options.out;
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(options.file);
  } catch (error) {
    errors.write(`owners import: cannot read ${options.file}: ${describeReadError(error)}\n`);
    return EXIT_NO_INPUT;
  }
  const { text, encoding } = decode(bytes);

  const service = createOwnerService({
    connection: options.connection,
    clock: options.clock ?? systemClock,
    logger: options.logger,
  });
  const report = await service.importCsv(text, { demo: options.demo === true });

  const lines = [
    `Owners imported from ${options.file}${encoding === 'utf-8' ? '' : ` (read as ${encoding})`}${options.demo ? ' as demo data' : ''}`,
    `  new:      ${report.accepted}`,
    `  updated:  ${report.updated}`,
    `  rejected: ${report.rejected.length}`,
    ...report.rejected.map((row) => `    line ${row.line}: ${row.reason}`),
  ];
  options.out.write(`${lines.join('\n')}\n`);
  return report.rejected.length > 0 ? EXIT_ROWS_REJECTED : 0;
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  return (error as Error).message ?? String(error);
}

/**
 * UTF-8 when the bytes are valid UTF-8; otherwise GB18030, which is what Excel on a
 * Chinese Windows saves as "CSV".
 */
function decode(bytes: Buffer): { text: string; encoding: 'utf-8' | 'gb18030' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}
