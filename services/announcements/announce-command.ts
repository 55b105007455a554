import type { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { systemClock, type Clock } from '../clock';
import { DomainError } from '../errors';
import type { Logger } from '../logging/logger';
import { createOutbox } from '../outbox/outbox';
import { createOwnerService } from '../owners/owner-service';
import { createProgressBar } from '../surveys/progress-bar';
import { createAnnouncementService, parseAnnouncement } from './announcement-service';

/**
 * `ownerbot announce [--building 7] (--zh TEXT --en TEXT | TEXT)`: stores the notice and
 * queues it for every verified owner (or one building); the running app delivers it.
 */
export async function runAnnounce(deps: {
  connection: Connection;
  out: Writable;
  logger: Logger;
  words: string[];
  flags: Record<string, string | true>;
  clock?: Clock;
}): Promise<number> {
  const flag = (name: string) => (typeof deps.flags[name] === 'string' ? (deps.flags[name] as string) : '');
  const parsed = parseAnnouncement(deps.words.join(' '));
  const text = flag('zh') || flag('en') ? { zh: flag('zh'), en: flag('en') } : parsed.text;
  const building = flag('building') || parsed.building;
  const clock = deps.clock ?? systemClock;
  const service = createAnnouncementService({
    connection: deps.connection,
    owners: createOwnerService({ connection: deps.connection, clock }),
    outbox: createOutbox({ connection: deps.connection, clock }),
    clock,
    logger: deps.logger,
  });
  try {
    const { announcement } = await service.create({ text, building, by: 'cli', source: 'cli' });
    const bar = createProgressBar(deps.out, 'queueing');
    const { recipients, queued } = await service.deliver(announcement._id, (done, total) =>
      bar.update(done, total),
    );
    deps.out.write(
      `Announcement ${announcement._id} to ${building ? `building ${building}` : 'all owners'}: ${queued} queued for ${recipients} reachable owners; the running app delivers them\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    deps.out.write(
      `announce: ${error.message}\nusage: ownerbot announce [--building B] --zh TEXT --en TEXT\n`,
    );
    return 64;
  }
}
