import type { Connection } from 'mongoose';
import { messageModel } from '../messages/message-model';
import { ownerModels } from '../owners/owner-model';
import { surveyModels } from '../surveys/survey-model';
import { ticketModels } from '../tickets/ticket-model';
import { createDemoContext, type DemoCounts } from './demo-context';
import { writeDemoMessages } from './demo-messages';
import { writeDemoOwners } from './demo-owners';
import { writeDemoSurveys } from './demo-surveys';

/**
 * A fictional estate, "Lakeside Garden (demo)", generated from a fixed seed: owners flagged
 * `demo`, a year of messages, the cases they opened, and a quarterly survey per quarter.
 * The demo seed command and the dashboard bench both write it, at different sizes. Writes
 * go straight to the collections in batches (insertMany), so 500,000 messages take minutes,
 * not hours; every field the models default is written explicitly.
 */

export { DEMO_DEFINITION_ID, DEMO_ESTATE, DEMO_PREFIX, type DemoCounts } from './demo-context';

export interface DemoSize {
  owners: number;
  messages: number;
}

/**
 * Writes the demo estate for the year before `now`. `onBatch` hears the running counts
 * (for progress output). Returns what was written.
 */
export async function writeDemoEstate(options: {
  connection: Connection;
  now: Date;
  size: DemoSize;
  timeZone?: string;
  batchSize?: number;
  seed?: number;
  onBatch?: (counts: DemoCounts) => void;
}): Promise<DemoCounts> {
  const { connection } = options;
  const ctx = createDemoContext({
    now: options.now,
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    seed: options.seed ?? 20261201,
    batchSize: options.batchSize ?? 5000,
    onBatch: options.onBatch,
  });
  const people = await writeDemoOwners(ctx, options.size.owners, ownerModels(connection).owners.collection);
  await writeDemoMessages(ctx, people, options.size.messages, {
    messages: messageModel(connection).collection,
    tickets: ticketModels(connection).Tickets.collection,
  });
  await writeDemoSurveys(ctx, people, surveyModels(connection));
  return ctx.counts;
}
