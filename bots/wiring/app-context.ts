import type { FastifyInstance } from 'fastify';
import type { AttachmentStore } from '../../services/attachments/attachment-store';
import type { InboundMessage } from '../../services/channels/types';
import type { Clock } from '../../services/clock';
import type { Config } from '../../services/config/load-config';
import type { Database } from '../../services/database/connect';
import type { Logger } from '../../services/logging/logger';
import type { Metrics } from '../../services/metrics/metrics';
import type { Core } from '../core/core';

/** What the channels and staff pages are wired from, once the database, core and server exist. */
export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  metrics: Metrics;
  server: FastifyInstance;
  core: Core;
  /** The core's inbound store, counted per channel and result for /metrics and /healthz. */
  receive: (message: InboundMessage) => Promise<void>;
  /** Photos owners upload in the web chat; staff see them through /attachments. */
  attachments: AttachmentStore;
}
