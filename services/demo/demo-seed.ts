import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import type { Logger } from '../logging/logger';
import { messageModel } from '../messages/message-model';
import { ownerModels } from '../owners/owner-model';
import { createReportService } from '../reports/report-service';
import { surveyModels } from '../surveys/survey-model';
import { ticketModels } from '../tickets/ticket-model';
import { DEMO_ESTATE, DEMO_PREFIX, writeDemoEstate, type DemoSize } from './demo-estate';

/** sysexits EX_DATAERR: the database holds data the seed must not mix with. */
export const EXIT_REFUSED = 65;

/** The demo estate's default size: big enough for every chart, small enough to seed in seconds. */
export const DEMO_DEFAULT_SIZE: DemoSize = { owners: 300, messages: 6000 };

/**
 * Removes a previous demo estate: owners flagged demo and what the seed wrote for them
 * (keys start with `demo:`). Real owners' data is never touched.
 */
export async function removeDemoData(connection: Connection): Promise<number> {
  const { owners: Owners } = ownerModels(connection);
  const ids = (await Owners.find({ demo: true }, { _id: 1 }).lean()).map((o) => String(o._id));
  const surveys = surveyModels(connection);
  await ticketModels(connection).Tickets.deleteMany({ origin: trusted({ $regex: `^${DEMO_PREFIX}` }) });
  await messageModel(connection).deleteMany({ key: trusted({ $regex: `^${DEMO_PREFIX}` }) });
  if (ids.length) {
    await surveys.Answers.deleteMany({ ownerId: trusted({ $in: ids }) });
    await surveys.Responses.deleteMany({ ownerId: trusted({ $in: ids }) });
  }
  await Owners.deleteMany({ demo: true });
  return ids.length;
}

/**
 * `ownerbot demo seed [--force]`: fills the database with the demo estate, then refreshes
 * the report snapshots so the dashboard shows it at once. Refuses a database with real
 * owners (their reports would leave demo owners out anyway) and one already seeded,
 * unless `force`; a forced seed first removes the previous demo estate.
 */
export async function runDemoSeed(options: {
  connection: Connection;
  out: Writable;
  clock: Clock;
  timeZone: string;
  force: boolean;
  size?: DemoSize;
  logger?: Logger;
}): Promise<number> {
  const { connection, out } = options;
  const { owners: Owners } = ownerModels(connection);
  const real = await Owners.countDocuments({ demo: trusted({ $ne: true }) });
  const demo = await Owners.countDocuments({ demo: true });
  if (real > 0 && !options.force) {
    out.write(
      `demo seed: refused, this database has ${real} real owners. Seed an empty database (e.g. DATA_DIR=./demo-data npx ownerbot demo seed), or add --force to add demo owners next to them (reports leave demo owners out while real ones exist).\n`,
    );
    return EXIT_REFUSED;
  }
  if (demo > 0 && !options.force) {
    out.write(
      `demo seed: this database already holds the demo estate (${demo} demo owners); --force replaces it.\n`,
    );
    return EXIT_REFUSED;
  }
  if (demo > 0) out.write(`Removed the previous demo estate (${await removeDemoData(connection)} owners).\n`);
  const size = options.size ?? DEMO_DEFAULT_SIZE;
  const started = Date.now();
  const counts = await writeDemoEstate({
    connection,
    now: options.clock.now(),
    size,
    timeZone: options.timeZone,
  });
  const reports = createReportService({
    connection,
    clock: options.clock,
    timeZone: options.timeZone,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await reports.refresh({ rebuild: true });
  out.write(
    [
      `Demo estate written: ${DEMO_ESTATE.en} · ${DEMO_ESTATE.zh}`,
      `  owners (flagged demo): ${counts.owners}`,
      `  messages:              ${counts.messages}`,
      `  cases:                 ${counts.tickets}`,
      `  survey responses:      ${counts.responses} (${counts.answers} answers)`,
      `  took ${((Date.now() - started) / 1000).toFixed(1)} s; report snapshots refreshed.`,
      'Open /dashboard (npm start, then http://localhost:3000/dashboard). Every name in it is fictional.',
    ].join('\n') + '\n',
  );
  return 0;
}
