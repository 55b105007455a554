import type { Connection } from 'mongoose';
import type { Logger } from '../logging/logger';
import {
  addressKey,
  forgetAt,
  longerPause,
  pauseAfter,
  pauseAt,
  unitKey,
  type GuardLimits,
  type Pause,
} from './binding-guard-rules';
import { createCounterStore, type CounterStore } from './binding-guard-store';

/** The limits on failed binding answers per unit and per client address (see `GuardLimits`). */
export interface GuardPolicy {
  unit: GuardLimits;
  address: GuardLimits;
  /** A counter is forgotten this long after its last failure, once its pause is over. */
  windowMs: number;
}

/** What a binding answer is about: the unit named and, on the web chat, the client's address. */
export interface GuardTarget {
  building: string;
  room: string;
  clientAddress?: string;
}

/** A unit or an address that may not be tried now. */
export interface GuardPause extends Pause {
  scope: 'unit' | 'address';
  key: string;
}

/** A pause on a unit or address, as operators list them. */
export interface GuardLock extends GuardPause {
  failures: number;
}

interface Scope {
  scope: GuardPause['scope'];
  key: string;
  limits: GuardLimits;
}

/** A failure charged to a scope before the answer was compared, and the count it made. */
export interface Charge extends Scope {
  failures: number;
}

/**
 * Failed binding answers counted per unit (whoever answers) and per client address (whatever
 * unit), on top of each identity's own attempts, so many identities or many addresses gain
 * nothing. An answer is charged before it is compared and refunded when right.
 */
export function createBindingGuard(deps: { connection: Connection; policy: GuardPolicy; logger?: Logger }) {
  const store = createCounterStore(deps);
  const { policy } = deps;
  const scopesOf = (target: GuardTarget) => scopesOfTarget(target, policy);
  const chargeOne = (scope: Scope, now: Date) => chargeScope(store, scope, policy.windowMs, now);

  return {
    /** The longest pause running on the target's address or unit (reads only). */
    async pauseOn(target: GuardTarget, now: Date): Promise<GuardPause | undefined> {
      let longest: GuardPause | undefined;
      for (const scope of scopesOf(target)) {
        const counter = await store.current(scope.key, now);
        const pause = counter && pauseAt(counter, scope.limits, now);
        if (pause)
          longest = longerPause<GuardPause>(longest, { ...pause, scope: scope.scope, key: scope.key });
      }
      return longest;
    },

    /**
     * Admits one answer for comparison: charges a failure to the address, then the unit. When
     * either may not be tried now nothing stays charged and the pause is returned.
     */
    async admit(target: GuardTarget, now: Date): Promise<{ charged: Charge[] } | { paused: GuardPause }> {
      const charged: Charge[] = [];
      for (const scope of scopesOf(target)) {
        const outcome = await chargeOne(scope, now);
        if ('until' in outcome) {
          for (const charge of charged) await store.refund(charge.key);
          return { paused: outcome };
        }
        charged.push(outcome);
      }
      return { charged };
    },

    /** After the comparison: a right answer gets its charges back; a wrong one logs the lock-outs it starts. */
    async settle(charged: Charge[], right: boolean, now: Date): Promise<void> {
      for (const charge of charged) {
        if (right) await store.refund(charge.key);
        const pause = right ? undefined : pauseAfter(charge.failures, charge.limits);
        if (pause?.kind === 'locked')
          deps.logger?.warn(
            {
              scope: charge.scope,
              key: charge.key,
              failures: charge.failures,
              until: new Date(now.getTime() + pause.ms),
            },
            'Binding locked after repeated failures; staff can lift it (npx ownerbot owners unlock)',
          );
      }
    },

    /** Lifts the pause on a unit or address key (its counter starts over); true when there was one. */
    lift: (key: string) => store.remove(key),

    /** Deletes the counters that count for nothing any more. */
    purge: (now: Date) => store.purge(now),

    /** Units and addresses paused at `now`, most recent failure first. */
    async locks(now: Date, limit = 100): Promise<GuardLock[]> {
      const fewest = Math.min(policy.unit.freeFailures, policy.address.freeFailures);
      const counters = await store.atLeast(fewest, now, limit);
      return counters.flatMap((counter) => {
        const scope = counter.key.startsWith('unit:') ? 'unit' : 'address';
        const pause = pauseAt(counter, scope === 'unit' ? policy.unit : policy.address, now);
        return pause ? [{ ...pause, scope, key: counter.key, failures: counter.failures } as GuardLock] : [];
      });
    },
  };
}

export type BindingGuard = ReturnType<typeof createBindingGuard>;

/** The counters an answer is judged by: the client address's (when known), then the unit's. */
function scopesOfTarget(target: GuardTarget, policy: GuardPolicy): Scope[] {
  const address = addressKey(target.clientAddress);
  const unit: Scope = { scope: 'unit', key: unitKey(target.building, target.room), limits: policy.unit };
  return address ? [{ scope: 'address', key: address, limits: policy.address }, unit] : [unit];
}

/** Charges one failure to a scope; the pause instead when it may not be tried now. */
async function chargeScope(
  store: CounterStore,
  scope: Scope,
  windowMs: number,
  now: Date,
): Promise<Charge | GuardPause> {
  const charged = await store.charge(
    scope.key,
    now,
    (state) => pauseAt(state, scope.limits, now) !== undefined,
    (state) => forgetAt(state, scope.limits, windowMs),
  );
  if ('failures' in charged) return { ...scope, failures: charged.failures };
  // Still crowded after several rounds: many answers at once on one key, so it waits too.
  const pause = charged.blockedBy ? pauseAt(charged.blockedBy, scope.limits, now) : undefined;
  const wait: Pause = { kind: 'wait', until: new Date(now.getTime() + scope.limits.firstDelayMs) };
  return { ...(pause ?? wait), scope: scope.scope, key: scope.key };
}
