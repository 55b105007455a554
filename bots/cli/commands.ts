import type { Writable } from 'node:stream';
import type { Config } from '../../services/config/load-config';
import type { Database } from '../../services/database/connect';
import { runFaqImport } from '../../services/knowledge/faq-import-command';
import type { Logger } from '../../services/logging/logger';
import { runOwnersImport } from '../../services/owners/import-command';
import { runOwnersForget } from '../../services/privacy/forget-command';

/** What every operations command gets: the loaded config and an open database. */
export interface CommandContext {
  config: Config;
  database: Database;
  logger: Logger;
  out: Writable;
  /** Positional words after the command name. */
  args: string[];
  flags: Record<string, string | true>;
}

export interface Command {
  usage: string;
  summary: string;
  /** Resolves to the process exit code. */
  run(context: CommandContext): Promise<number>;
}

/** sysexits EX_USAGE. */
const EXIT_USAGE = 64;

function requireFile(context: CommandContext, usage: string): string | undefined {
  const [file, ...extra] = context.args;
  if (file && extra.length === 0) return file;
  context.out.write(`usage: ownerbot ${usage}\n`);
  return undefined;
}

/** `npx ownerbot <command>`: keyed by the command's words. */
export const commands: Record<string, Command> = {
  'owners import': {
    usage: 'FILE.csv [--demo]',
    summary: 'import owners (header name,building,unit,phone,language); reports accepted and rejected rows',
    async run(context) {
      const file = requireFile(context, 'owners import FILE.csv [--demo]');
      if (!file) return EXIT_USAGE;
      return runOwnersImport({
        file,
        connection: context.database.connection,
        out: context.out,
        logger: context.logger,
        demo: context.flags.demo === true,
      });
    },
  },
  'owners forget': {
    usage: 'ID',
    summary:
      "erase an owner's personal data and messages (owner id, or a channel user key like telegram:123); statistics stay",
    async run(context) {
      const id = requireFile(context, 'owners forget ID');
      if (!id) return EXIT_USAGE;
      return runOwnersForget({ target: id, connection: context.database.connection, out: context.out });
    },
  },
  'faq import': {
    usage: 'FILE.json [--dry-run]',
    summary: 'replace the FAQ knowledge base (format: nlp/knowledge/sample-faq.json)',
    async run(context) {
      const file = requireFile(context, 'faq import FILE.json [--dry-run]');
      if (!file) return EXIT_USAGE;
      return runFaqImport({
        file,
        connection: context.database.connection,
        out: context.out,
        dryRun: context.flags['dry-run'] === true,
      });
    },
  },
};
