import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { AuditLog } from './audit-log';
import { emptyForgetReport, type ForgetReport } from './forget-report';
import {
  anonymiseOwner,
  eraseCaseTraces,
  eraseChannelTraces,
  eraseSurveyComments,
  unlinkIdentities,
} from './forget-steps';
import { findForgetTarget } from './forget-target';

export { describeForgetReport, type ForgetReport } from './forget-report';

/**
 * Erases one owner's personal data and words, keeping anonymous statistics: the owner
 * record is anonymised (name, phone, unit; building and language stay for reports), their
 * channel identities unlinked, every message text (inbound, case, event log, sent outbox,
 * web transcript, survey comment) erased and their web chat photos deleted, while cases keep
 * kind, category, quarter and status, so counts by quarter and category do not change.
 * `target` is an owner id or a channel user key (`telegram:123`, for someone never bound to
 * an owner). Idempotent: a second run finds nothing left and says so; after a crash, running
 * it again finishes.
 */
export async function forgetOwner(deps: {
  connection: Connection;
  clock: Clock;
  target: string;
  audit?: AuditLog;
  actor?: string;
}): Promise<ForgetReport> {
  const { connection, clock, target } = deps;
  const person = await findForgetTarget(connection, target);
  const report = emptyForgetReport(target);
  report.found = person.found;
  const add = (counts: Partial<ForgetReport>) => {
    const outbox = report.outboxTextsErased + (counts.outboxTextsErased ?? 0);
    Object.assign(report, counts, { outboxTextsErased: outbox });
  };
  add(await eraseChannelTraces(connection, person));
  add(await eraseCaseTraces(connection, person.caseIds));
  if (person.ownerId) add(await eraseSurveyComments(connection, target));
  // Unlinked last, so a run cut short still finds the identities through the owner next time.
  add(await unlinkIdentities(connection, clock, person.identities));
  if (person.ownerId) add(await anonymiseOwner(connection, clock, person));

  const { target: _target, found, ...counts } = report;
  await deps.audit?.record({
    actor: deps.actor ?? 'cli',
    action: 'owners.forget',
    target,
    outcome: found === 'none' ? 'not_found' : 'ok',
    details: counts as unknown as Record<string, unknown>,
  });
  return report;
}
