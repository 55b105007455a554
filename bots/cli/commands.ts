import type { Writable } from 'node:stream';
import type { Config } from '../../services/config/load-config';
import type { Database } from '../../services/database/connect';
import { runFaqImport } from '../../services/knowledge/faq-import-command';
import type { Logger } from '../../services/logging/logger';
import { runOwnersImport } from '../../services/owners/import-command';
import { runOwnersLocks, runOwnersUnlock } from '../../services/owners/unlock-command';
import { runDemoSeed } from '../../services/demo/demo-seed';
import { systemClock } from '../../services/clock';
import { runExport, runQuarterlyReport, runReportRefresh } from '../../services/reports/report-commands';
import { renderReportHtml } from '../http/dashboard-report';
import { runAnnounce } from '../../services/announcements/announce-command';
import { runSurveyImport, runSurveySend, runSurveyStatus } from '../../services/surveys/survey-commands';
import { runOwnersForget } from '../../services/privacy/forget-command';
import { runOutboxDead, runOutboxRequeue } from '../../services/outbox/outbox-commands';
import { runEngineMigrate } from '../../services/database/engine-migrate-command';
import { runStaffCommand } from '../../services/staff/staff-command';

/** Everything on standard input (a password piped in, never typed on the command line). */
async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

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

/** `--lang zh|en`, else STAFF_LANGUAGE: one language choice for what managers read. */
const languageOf = (context: CommandContext) =>
  context.flags.lang === 'en' || context.flags.lang === 'zh'
    ? context.flags.lang
    : context.config.staffLanguage;

function reportDeps(context: CommandContext) {
  return {
    connection: context.database.connection,
    clock: systemClock,
    timeZone: context.config.timezone,
    slaPolicy: context.config.sla,
    out: context.out,
    logger: context.logger,
  };
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
  'owners unlock': {
    usage: '(--identity KEY | --unit BUILDING-ROOM)',
    summary:
      'lift a binding lock-out once the owner is confirmed: a channel user (e.g. telegram:123) and its address, or a unit (5-1203); audited',
    run: (context) =>
      runOwnersUnlock({
        connection: context.database.connection,
        out: context.out,
        flags: context.flags,
        logger: context.logger,
      }),
  },
  'owners locks': {
    usage: '',
    summary: 'units and web chat addresses whose binding tries are paused now, with their failures',
    run: (context) => runOwnersLocks({ connection: context.database.connection, out: context.out }),
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
  // Dashboard, reports and exports (docs/dashboard.md).
  'report quarterly': {
    usage: '[--quarter 2026Q4] [--format md|html] [--lang zh|en]',
    summary: 'the quarterly service report (default: the quarter that ended last) on stdout',
    run: (context) =>
      runQuarterlyReport({
        ...reportDeps(context),
        quarter: typeof context.flags.quarter === 'string' ? context.flags.quarter : undefined,
        format: typeof context.flags.format === 'string' ? context.flags.format : 'md',
        language: languageOf(context),
        renderHtml: renderReportHtml,
      }),
  },
  'report refresh': {
    usage: '[--rebuild]',
    summary: "recompute the dashboard's report snapshots now (--rebuild: frozen past quarters too)",
    run: (context) => runReportRefresh({ ...reportDeps(context), rebuild: context.flags.rebuild === true }),
  },
  export: {
    usage: 'cases|surveys [--quarter 2026Q4] [--with-phones] [--lang zh|en]',
    summary: 'CSV of cases (one row per case) or survey answers (one per question) on stdout; phones masked',
    run: (context) =>
      runExport({
        ...reportDeps(context),
        kind: context.args.join(' '),
        quarter: typeof context.flags.quarter === 'string' ? context.flags.quarter : undefined,
        withPhones: context.flags['with-phones'] === true,
        language: languageOf(context),
      }),
  },
  'demo seed': {
    usage: '[--force]',
    summary: 'fill an empty database with a fictional demo estate (owners flagged demo) for the dashboard',
    run: (context) =>
      runDemoSeed({
        connection: context.database.connection,
        out: context.out,
        clock: systemClock,
        timeZone: context.config.timezone,
        force: context.flags.force === true,
        logger: context.logger,
      }),
  },
  'survey import': {
    usage: 'FILE.json',
    summary: 'store a new version of a survey definition (format: docs/outreach.md)',
    async run(context) {
      const file = requireFile(context, 'survey import FILE.json');
      if (!file) return EXIT_USAGE;
      return runSurveyImport({ ...context, connection: context.database.connection, file });
    },
  },
  'survey send': {
    usage: '[--quarter 2026Q4] [--dry-run]',
    summary: "create the quarter's campaign if needed and queue it for every owner not yet asked",
    async run(context) {
      return runSurveySend({
        ...context,
        connection: context.database.connection,
        ...(context.flags.quarter !== undefined ? { quarter: context.flags.quarter } : {}),
        dryRun: context.flags['dry-run'] === true,
      });
    },
  },
  'survey status': {
    usage: '[--quarter 2026Q4] [--lang zh|en]',
    summary: 'asked, answered, response rate and satisfaction indices, against the previous quarter',
    async run(context) {
      return runSurveyStatus({
        ...context,
        connection: context.database.connection,
        language: languageOf(context),
        ...(context.flags.quarter !== undefined ? { quarter: context.flags.quarter } : {}),
      });
    },
  },
  'outbox dead': {
    usage: '[--outcome-unknown] [--purpose P] [--limit 50]',
    summary: 'dead letters, newest first, with the reason each was given up',
    run: (context) =>
      runOutboxDead({ connection: context.database.connection, out: context.out, flags: context.flags }),
  },
  'outbox requeue': {
    usage: '(KEY... | --outcome-unknown [--purpose P])',
    summary: 'send dead letters again (outcome-unknown ones may then arrive twice)',
    run: (context) =>
      runOutboxRequeue({
        connection: context.database.connection,
        out: context.out,
        keys: context.args,
        flags: context.flags,
      }),
  },
  ...Object.fromEntries(
    (['add', 'password', 'remove', 'list'] as const).map((verb) => [
      `staff ${verb}`,
      {
        usage:
          verb === 'list'
            ? ''
            : verb === 'add'
              ? 'NAME [--role staff|supervisor|manager] [--password-stdin]'
              : 'NAME',
        summary: {
          add: 'create a named desk/dashboard account; prints its password once',
          password: 'give an account a new password (printed once; --password-stdin to choose it)',
          remove: 'delete a desk/dashboard account',
          list: 'list desk/dashboard accounts and their roles',
        }[verb],
        run: (context: CommandContext) =>
          runStaffCommand({
            connection: context.database.connection,
            clock: systemClock,
            out: context.out,
            verb,
            args: context.args,
            flags: context.flags,
            readPassword: readStdin,
          }),
      } satisfies Command,
    ]),
  ),
  'engine migrate': {
    usage: '',
    summary:
      'copy the data of the earlier embedded engine (DATA_DIR/sqlite) into the database in use; keeps the old files',
    run: (context) =>
      runEngineMigrate({
        database: context.database,
        dataDir: context.config.database.dataDir,
        cacheDir: context.config.database.cacheDir,
        logger: context.logger,
        out: context.out,
      }),
  },
  announce: {
    usage: '[--building B] (--zh TEXT --en TEXT | TEXT)',
    summary: 'send a notice to every verified owner, or one building, through the outbox',
    async run(context) {
      return runAnnounce({
        connection: context.database.connection,
        out: context.out,
        logger: context.logger,
        words: context.args,
        flags: context.flags,
      });
    },
  },
};
