import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { DomainError } from '../errors';
import type { AuditLog } from '../privacy/audit-log';
import type { BindingGuard } from './binding-guard';
import { unitKey } from './binding-guard-rules';
import { parseUnitAddress, splitUnit } from './household';
import { ownerModels } from './owner-model';

/** What lifting found and undid: `identity` (its attempts and lock-out), `address`, `unit`. */
export interface LiftReport {
  /** False when no identity has that key. */
  found: boolean;
  /** The counter or identity key acted on. */
  target: string;
  lifted: Array<'identity' | 'address' | 'unit'>;
}

const EPOCH = new Date(0);

/**
 * Binding lock-outs as staff and the schedule see them: listed, lifted once staff have
 * confirmed who the owner is (in person or by phone), for an identity (its own attempts, and
 * its last client address) or a unit (its failures from everyone), and purged when forgotten.
 * Every lift is audited with the staff member who asked.
 */
export function createBindingLocks(deps: {
  connection: Connection;
  clock: Clock;
  guard: BindingGuard;
  audit: AuditLog;
}) {
  const { identities: Identities } = ownerModels(deps.connection);

  const audited = async (actor: string, report: LiftReport): Promise<LiftReport> => {
    await deps.audit.record({
      actor,
      action: 'owners.unlock',
      target: report.target,
      outcome: report.found ? 'ok' : 'refused:not_found',
      details: { lifted: report.lifted },
    });
    return report;
  };

  return {
    /** Staff: fresh binding attempts for an identity (`telegram:123`) and its client address; audited. */
    async liftBindingLockForIdentity(key: string, actor: string): Promise<LiftReport> {
      const record = typeof key === 'string' ? await Identities.findOne({ key }).lean() : null;
      if (!record) return audited(actor, { found: false, target: String(key), lifted: [] });
      const lifted: LiftReport['lifted'] = [];
      const { binding } = record;
      if (binding.attempts > 0 || binding.step === 'locked') {
        await Identities.updateOne(
          { _id: record._id },
          {
            $set: {
              'binding.step': binding.step === 'locked' ? 'none' : binding.step,
              'binding.attempts': 0,
              'binding.lockedUntil': EPOCH,
              updatedAt: deps.clock.now(),
            },
          },
        );
        lifted.push('identity');
      }
      if (binding.addressKey && (await deps.guard.lift(binding.addressKey))) lifted.push('address');
      return audited(actor, { found: true, target: record.key, lifted });
    },

    /** Staff: forgets the failed binding answers on a unit (`5-1203`, `5-2-1203`, `5栋1203`); audited. */
    async liftBindingLockForUnit(unit: string, actor: string): Promise<LiftReport> {
      const address = parseUnitAddress(unit);
      if (!address)
        throw new DomainError(
          'unit_invalid',
          `Not a unit: ${JSON.stringify(unit)} (e.g. 5-1203 or 5-2-1203)`,
        );
      const key = unitKey(address.building, splitUnit(address.unit).room);
      const lifted: LiftReport['lifted'] = (await deps.guard.lift(key)) ? ['unit'] : [];
      return audited(actor, { found: true, target: key, lifted });
    },

    /** Staff: forgets the failures on one listed unit or address counter (`unit:…`, `address:…`); audited. */
    async liftBindingLock(key: string, actor: string): Promise<LiftReport> {
      const listed = typeof key === 'string' && /^(unit|address):/.test(key);
      if (!listed) return audited(actor, { found: false, target: String(key), lifted: [] });
      const scope = key.startsWith('unit:') ? 'unit' : 'address';
      const lifted: LiftReport['lifted'] = (await deps.guard.lift(key)) ? [scope] : [];
      return audited(actor, { found: true, target: key, lifted });
    },

    /** Units and client addresses whose binding tries are paused now, most recent first. */
    bindingLocks: (limit?: number) => deps.guard.locks(deps.clock.now(), limit),

    /** Deletes binding failure counters past their window (the scheduled purge); returns how many. */
    purgeBindingCounters: () => deps.guard.purge(deps.clock.now()),
  };
}
