import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import type { SlaPolicy } from '../tickets/sla';
import { casesCsv, surveysCsv } from './csv-export';
import { buildQuarterlyReport, type QuarterlyReport } from './quarterly-report';
import { renderReportMarkdown } from './report-sections';
import { createReportService, isQuarter, previousQuarter } from './report-service';

/** sysexits EX_USAGE. */
const EXIT_USAGE = 64;

interface CommandDeps {
  connection: Connection;
  clock: Clock;
  timeZone: string;
  slaPolicy: SlaPolicy;
  out: Writable;
  logger?: Logger;
}

const reportsOf = (deps: CommandDeps) =>
  createReportService({
    connection: deps.connection,
    clock: deps.clock,
    timeZone: deps.timeZone,
    slaPolicy: deps.slaPolicy,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });

/**
 * `ownerbot report quarterly [--quarter 2026Q4] [--format html|md] [--lang zh|en]`: refreshes
 * the snapshots (past quarters already frozen are not recomputed) and prints the report of
 * the quarter, by default the one that ended last. HTML comes from the dashboard's renderer,
 * passed in so this layer never imports the HTTP one.
 */
export async function runQuarterlyReport(
  deps: CommandDeps & {
    quarter: string | undefined;
    format: string;
    language: Language;
    renderHtml: (report: QuarterlyReport, language: Language) => string;
  },
): Promise<number> {
  if (deps.quarter !== undefined && !isQuarter(deps.quarter)) {
    deps.out.write(`report quarterly: --quarter must look like 2026Q4, got "${deps.quarter}"\n`);
    return EXIT_USAGE;
  }
  if (deps.format !== 'md' && deps.format !== 'html') {
    deps.out.write(`report quarterly: --format must be md or html, got "${deps.format}"\n`);
    return EXIT_USAGE;
  }
  const reports = reportsOf(deps);
  const quarter = deps.quarter ?? previousQuarter(reports.currentQuarter());
  if (quarter > reports.currentQuarter()) {
    deps.out.write(`report quarterly: ${quarter} has not begun yet\n`);
    return EXIT_USAGE;
  }
  const live = await reports.refresh();
  const report = buildQuarterlyReport(
    await reports.quarter(quarter),
    await reports.quarter(previousQuarter(quarter)),
    live,
    deps.timeZone,
  );
  if (!report) {
    deps.out.write(`report quarterly: no cases or surveys recorded for ${quarter}\n`);
    return 1;
  }
  deps.out.write(
    deps.format === 'html'
      ? deps.renderHtml(report, deps.language)
      : renderReportMarkdown(report, deps.language),
  );
  return 0;
}

/** `ownerbot report refresh [--rebuild]`: recomputes the snapshots now and says how long it took. */
export async function runReportRefresh(deps: CommandDeps & { rebuild: boolean }): Promise<number> {
  const live = await reportsOf(deps).refresh({ rebuild: deps.rebuild });
  deps.out.write(
    `Report snapshots refreshed in ${live.refreshMs} ms: quarters ${live.quarters.join(', ') || 'none'}; ${live.openCases.total} open cases; ${live.atRisk.total} owners at risk.\n`,
  );
  return 0;
}

/**
 * `ownerbot export cases|surveys [--quarter 2026Q4] [--with-phones] [--lang zh|en]`: the CSV on
 * stdout. Phones are masked unless `--with-phones` is given.
 */
export async function runExport(
  deps: CommandDeps & { kind: string; quarter: string | undefined; withPhones: boolean; language: Language },
): Promise<number> {
  if (deps.kind !== 'cases' && deps.kind !== 'surveys') {
    deps.out.write('usage: ownerbot export cases|surveys [--quarter 2026Q4] [--with-phones]\n');
    return EXIT_USAGE;
  }
  if (deps.quarter !== undefined && !isQuarter(deps.quarter)) {
    deps.out.write(`export: --quarter must look like 2026Q4, got "${deps.quarter}"\n`);
    return EXIT_USAGE;
  }
  if (deps.withPhones)
    deps.logger?.warn({ export: deps.kind, quarter: deps.quarter }, 'Export with full phone numbers');
  const options = {
    connection: deps.connection,
    clock: deps.clock,
    withPhones: deps.withPhones,
    language: deps.language,
    slaPolicy: deps.slaPolicy,
    timeZone: deps.timeZone,
    ...(deps.quarter ? { quarter: deps.quarter } : {}),
  };
  for await (const chunk of deps.kind === 'cases' ? casesCsv(options) : surveysCsv(options)) {
    if (!deps.out.write(chunk)) await new Promise((resolve) => deps.out.once('drain', resolve));
  }
  return 0;
}
