import type { Connection } from 'mongoose';
import type { ChannelAdapter, ChannelName } from '../../services/channels/types';
import { systemClock } from '../../services/clock';
import type { Config } from '../../services/config/load-config';
import type { Logger } from '../../services/logging/logger';
import type { Metrics } from '../../services/metrics/metrics';
import type { OutreachAnswerer } from '../../services/surveys/outreach-answer';
import { createCaseDesk } from './case-desk';
import { coreContext } from './core-context';
import { buildDispatcher } from './core-delivery';
import { buildInbound } from './core-inbound';
import { startCoreSchedules } from './core-schedules';
import { buildCoreServices } from './core-services';
import { startRecovery } from './recovery-sweep';

/**
 * The channel-agnostic core, built from the configuration: understanding, owners, cases,
 * the dialog behind the inbound pipeline, and the outbox dispatcher that sends through
 * whichever channel adapters are registered. Adapters call `inbound.receive`.
 */
export async function startCore(deps: {
  config: Config;
  connection: Connection;
  logger: Logger;
  metrics: Metrics;
  /** Answerers of channels' own (WeChat's template follow-up), asked before surveys and return visits. */
  outreach?: OutreachAnswerer[];
}) {
  const { outreach, ...settings } = deps;
  const ctx = coreContext({ ...settings, clock: systemClock });
  const services = await buildCoreServices(ctx);
  const inbound = buildInbound(ctx, services, outreach);
  const adapters = new Map<ChannelName, ChannelAdapter>();
  const dispatcher = buildDispatcher(ctx, services, adapters);
  dispatcher.start();
  const stopRecovery = await startRecovery({
    inbound,
    logger: ctx.logger,
    leaseMs: ctx.config.handlingLeaseMs,
  });
  const { jobs, retention } = startCoreSchedules(ctx, services);
  const { understanding, tickets } = services;
  const caseDesk = createCaseDesk({
    tickets,
    outbox: services.caseOutbox,
    recordCorrection: (correction) => understanding.recordCorrection(correction),
  });

  return {
    understanding,
    owners: services.owners,
    tickets,
    outbox: services.outbox,
    inbound,
    dispatcher,
    caseDesk,
    surveys: services.surveys,
    returnVisits: services.returnVisits,
    digest: services.digest,
    announcements: services.announcements,
    reach: services.reach,
    jobs,
    audit: services.audit,
    retention,
    /** Channel adapters register here so the dispatcher can send through them. */
    registerAdapter(adapter: ChannelAdapter) {
      adapters.set(adapter.name, adapter);
    },
    /** Finishes handling in flight (bounded by the caller), stops sending and retraining. */
    async stop(): Promise<void> {
      stopRecovery();
      await jobs.stop();
      await inbound.idle();
      await dispatcher.stop();
      await understanding.stop();
    },
  };
}

export type Core = Awaited<ReturnType<typeof startCore>>;
