import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { systemClock, type Clock } from '../clock';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/logger';
import { createOutbox } from '../outbox/outbox';
import { createOwnerService } from '../owners/owner-service';
import { label } from '../i18n/labels';
import { surveyStatusTexts } from '../i18n/survey-status';
import { localize, type Language } from '../i18n/text';
import { localDateTime } from '../i18n/time';
import { periodKeys } from '../tickets/ticket-model';
import { isQuarter } from './local-time';
import { createProgressBar } from './progress-bar';
import { createSurveyDefinitions, SurveyDefinitionError } from './survey-definitions';
import { SURVEY_DIMENSIONS } from './survey-model';
import { querySurveyScores, type GroupScore } from './survey-scores';
import { campaignIdOf, createSurveyService, surveyMessageKey } from './survey-service';
import { createOutreachReach, type ReachSummary } from '../outreach/outreach-reach';
import { unreachableReasons } from '../i18n/outreach';

/** sysexits: EX_USAGE, EX_DATAERR, EX_NOINPUT. */
const EXIT_USAGE = 64;
const EXIT_DATAERR = 65;
const EXIT_NOINPUT = 66;

interface CommandDeps {
  connection: Connection;
  config: Pick<Config, 'timezone' | 'outreach'>;
  out: Writable;
  logger: Logger;
  clock?: Clock;
}

function quarterOf(deps: CommandDeps, flag: string | true | undefined): string | undefined {
  const clock = deps.clock ?? systemClock;
  if (flag === undefined) return periodKeys(clock.now(), deps.config.timezone).quarter;
  if (typeof flag === 'string' && isQuarter(flag.toUpperCase())) return flag.toUpperCase();
  deps.out.write(`--quarter must look like 2026Q4, got ${JSON.stringify(flag === true ? '' : flag)}\n`);
  return undefined;
}

function services(deps: CommandDeps) {
  const clock = deps.clock ?? systemClock;
  const owners = createOwnerService({ connection: deps.connection, clock, logger: deps.logger });
  const outbox = createOutbox({ connection: deps.connection, clock });
  return createSurveyService({
    connection: deps.connection,
    owners,
    outbox,
    clock,
    logger: deps.logger,
    settings: {
      quietHours: deps.config.outreach.quietHours,
      timeZone: deps.config.timezone,
      remindAfterMs: deps.config.outreach.surveyRemindMs,
      expireAfterMs: deps.config.outreach.surveyExpireMs,
    },
  });
}

/** `ownerbot survey import FILE.json`: stores a new version when the survey changed. */
export async function runSurveyImport(deps: CommandDeps & { file: string }): Promise<number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(deps.file, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code;
    deps.out.write(
      `survey import: cannot read ${deps.file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`,
    );
    return code === 'ENOENT' ? EXIT_NOINPUT : EXIT_DATAERR;
  }
  const definitions = createSurveyDefinitions({
    connection: deps.connection,
    clock: deps.clock ?? systemClock,
  });
  try {
    const { definition, created } = await definitions.importDefinition(parsed);
    deps.out.write(
      created
        ? `Survey ${definition.surveyId} version ${definition.version} stored (${definition.questions.length} questions); the next campaign uses it\n`
        : `Survey ${definition.surveyId} unchanged (version ${definition.version} already has this content)\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof SurveyDefinitionError)) throw error;
    deps.out.write(
      `survey import: ${deps.file} is not a usable survey:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return EXIT_DATAERR;
  }
}

/**
 * `ownerbot survey send [--quarter 2026Q4] [--dry-run]`: creates the quarter's campaign if
 * needed and queues the first question for every owner not yet asked (the running app's
 * dispatcher delivers them at each channel's rate). Safe to run again at any time.
 */
export async function runSurveySend(
  deps: CommandDeps & { quarter?: string | true; dryRun: boolean },
): Promise<number> {
  const quarter = quarterOf(deps, deps.quarter);
  if (!quarter) return EXIT_USAGE;
  const surveys = services(deps);
  const existing = await surveys.getCampaign(campaignIdOf(quarter));
  if (deps.dryRun && !existing) {
    const clock = deps.clock ?? systemClock;
    const recipients = await createOwnerService({
      connection: deps.connection,
      clock,
    }).listVerifiedReachable();
    deps.out.write(
      `Dry run: campaign ${campaignIdOf(quarter)} does not exist yet; it would ask ${recipients.length} owners\n`,
    );
    return 0;
  }
  const { campaign, created } = existing
    ? { campaign: existing, created: false }
    : await surveys.startCampaign(quarter);
  deps.out.write(
    `Campaign ${campaign._id} (${campaign.definitionId}) ${created ? 'created' : campaign.status}\n`,
  );
  const bar = createProgressBar(deps.out, 'queueing');
  const report = await surveys.sendCampaign(campaign._id, {
    dryRun: deps.dryRun,
    onProgress: (done, total) => bar.update(done, total),
  });
  const lines = [
    `  owners reachable: ${report.recipients}`,
    `  asked before:     ${report.alreadyAsked}`,
    `  ${deps.dryRun ? 'would queue:     ' : 'queued now:      '} ${report.queued}`,
  ];
  if (report.stopped === 'quiet_hours')
    lines.push('  stopped: quiet hours (QUIET_HOURS); the running app goes on after them');
  else if (report.stopped === 'expired' || report.stopped === 'done')
    lines.push(`  stopped: the campaign is ${report.stopped}`);
  if (!deps.dryRun && report.queued > 0)
    lines.push("  the running app delivers them through the outbox at each channel's rate");
  deps.out.write(`${lines.join('\n')}\n`);
  return 0;
}

const pct = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(1)}%`);
const num = (n: number | null, digits = 2) => (n === null ? '—' : n.toFixed(digits));
const signed = (n: number | null, format: (n: number) => string) =>
  n === null ? '—' : `${n >= 0 ? '+' : ''}${format(n)}`;

function scoreLine(name: string, score: GroupScore, language: Language): string {
  return localize(surveyStatusTexts.score, language, {
    name: name.padEnd(language === 'zh' ? 10 : 18),
    index: num(score.index, 3),
    overall: num(score.overall),
    rate: pct(score.responseRate),
    completed: score.completed,
    invited: score.invited,
    partial: score.partial,
  });
}

/** Reached, not reached (by reason) and still on the way, of the owners asked. */
function reachLines(asked: number, reach: ReachSummary, language: Language): string[] {
  const t = (key: keyof typeof surveyStatusTexts, values: Record<string, string | number>) =>
    localize(surveyStatusTexts[key], language, values);
  const waiting = Math.max(0, asked - reach.reached - reach.unreached);
  const lines = [
    t('reach', { reached: reach.reached, byTemplate: reach.byTemplate, unreached: reach.unreached, waiting }),
  ];
  for (const [code, count] of Object.entries(reach.reasons).sort(([, a], [, b]) => b - a)) {
    const why = unreachableReasons[code];
    lines.push(t('notReached', { count, code, why: why ? ` (${localize(why, language)})` : '' }));
  }
  return lines;
}

/** The status report's lines, in `language`, times on BOT_TIMEZONE's clock. */
function statusLines(
  campaign: NonNullable<Awaited<ReturnType<ReturnType<typeof services>['getCampaign']>>>,
  counts: Awaited<ReturnType<ReturnType<typeof services>['responseCounts']>>,
  scores: Awaited<ReturnType<typeof querySurveyScores>>,
  options: { language: Language; timeZone: string; reach: ReachSummary },
): string[] {
  const { language, timeZone } = options;
  const t = (key: keyof typeof surveyStatusTexts, values: Record<string, string | number> = {}) =>
    localize(surveyStatusTexts[key], language, values);
  const { current, previous, change } = scores;
  const status =
    campaign.status === 'running' || campaign.status === 'done' ? t(campaign.status) : campaign.status;
  return [
    t('campaign', {
      id: campaign._id,
      definition: campaign.definitionId,
      status,
      started: localDateTime(campaign.startedAt, timeZone),
      expires: localDateTime(campaign.expiresAt, timeZone),
    }),
    t('asked', {
      asked: counts.sent + counts.partial + counts.complete + counts.expired,
      sent: counts.sent,
      partial: counts.partial,
      complete: counts.complete,
      expired: counts.expired,
    }),
    ...reachLines(counts.sent + counts.partial + counts.complete + counts.expired, options.reach, language),
    scoreLine(t('allOwners'), current.all, language),
    ...Object.entries(current.byBuilding)
      .sort(([a], [b]) => a.localeCompare(b, 'zh'))
      .map(([building, score]) => scoreLine(t('building', { building: building || '?' }), score, language)),
    t('byDimension'),
    ...SURVEY_DIMENSIONS.map((dimension) => {
      const d = current.all.dimensions[dimension];
      return `    ${label(dimension, language).padEnd(language === 'zh' ? 8 : 17)} ${num(d.perceived)} / ${num(d.expectation)} = ${num(d.index, 3)}`;
    }),
    previous.all.invited > 0
      ? t('versus', {
          quarter: previous.quarter,
          index: signed(change.index, (n) => n.toFixed(3)),
          overall: signed(change.overall, (n) => n.toFixed(2)),
          rate: signed(change.responseRate, (n) => t('points', { value: (n * 100).toFixed(1) })),
        })
      : t('noPrevious', { quarter: previous.quarter }),
  ];
}

/**
 * `ownerbot survey status [--quarter ...] [--lang zh|en]`: asked, answered, response rate and
 * indices, overall, per building and per dimension, against the previous quarter.
 */
export async function runSurveyStatus(
  deps: CommandDeps & { quarter?: string | true; language?: Language },
): Promise<number> {
  const quarter = quarterOf(deps, deps.quarter);
  if (!quarter) return EXIT_USAGE;
  const language = deps.language ?? 'en';
  const surveys = services(deps);
  const campaign = await surveys.getCampaign(campaignIdOf(quarter));
  if (!campaign) {
    deps.out.write(`${localize(surveyStatusTexts.none, language, { quarter })}\n`);
    return 0;
  }
  const counts = await surveys.responseCounts(campaign._id);
  const scores = await querySurveyScores(deps.connection, quarter);
  const reach = await createOutreachReach({
    connection: deps.connection,
    clock: deps.clock ?? systemClock,
  }).summaryOf(surveyMessageKey(quarter, ''));
  const lines = statusLines(campaign, counts, scores, { language, timeZone: deps.config.timezone, reach });
  deps.out.write(`${lines.join('\n')}\n`);
  return 0;
}
