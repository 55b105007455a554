import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { parseFaqFile } from '../../nlp';
import { systemClock, type Clock } from '../clock';
import { createFaqStore } from './faq-store';

/** sysexits: EX_DATAERR (the file has problems) and EX_NOINPUT (cannot read it). */
const EXIT_INVALID = 65;
const EXIT_NO_INPUT = 66;

/**
 * `ownerbot faq import FILE [--dry-run]`: checks the whole file and lists every problem with
 * its place; a file with any problem changes nothing. A valid file replaces the active
 * knowledge base (all instances pick it up within their refresh interval).
 */
export async function runFaqImport(options: {
  file: string;
  connection: Connection;
  out: Writable;
  dryRun?: boolean;
  clock?: Clock;
}): Promise<number> {
  let content: string;
  try {
    content = await fs.readFile(options.file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    options.out.write(
      `faq import: cannot read ${options.file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`,
    );
    return EXIT_NO_INPUT;
  }
  const parsed = parseFaqFile(content.replace(/^\uFEFF/, ''));
  if (!parsed.ok) {
    options.out.write(
      [
        `faq import: ${options.file} was not imported; fix these first:`,
        ...parsed.problems.map((p) => `  - ${p}`),
      ].join('\n') + '\n',
    );
    return EXIT_INVALID;
  }
  if (options.dryRun) {
    options.out.write(
      `faq import: ${options.file} is valid (${parsed.file.entries.length} entries); nothing stored (--dry-run)\n`,
    );
    return 0;
  }
  const store = createFaqStore({ connection: options.connection, clock: options.clock ?? systemClock });
  const { entries, importId } = await store.importFile(parsed.file, options.file);
  options.out.write(
    `faq import: "${parsed.file.name}" is now the active knowledge base (${entries} entries, import ${importId})\n`,
  );
  return 0;
}
