import type { Connection, Model } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { Outbox } from '../outbox/outbox';
import type { OwnerService } from '../owners/owner-service';
import { announcementModel, type AnnouncementRecord } from './announcement-model';

/** What the announcement service is built from. */
export interface AnnouncementDeps {
  connection: Connection;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
}

/** What storing and delivering an announcement share. */
export interface AnnouncementContext {
  Announcements: Model<AnnouncementRecord>;
  owners: OwnerService;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
}

/** The shared context on the deps' connection. */
export function announcementContextOf(deps: AnnouncementDeps): AnnouncementContext {
  return {
    Announcements: announcementModel(deps.connection),
    owners: deps.owners,
    outbox: deps.outbox,
    clock: deps.clock,
    log: deps.logger.child({ component: 'announcements' }),
  };
}
