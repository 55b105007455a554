import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import {
  activeLock,
  matchHousehold,
  readPhoneAnswer,
  type BindingPolicy,
  type BindingResult,
} from './binding-rules';
import type { NotifyHousehold } from './bind-notice';
import type { BindingGuard, GuardPause } from './binding-guard';
import { addressKey } from './binding-guard-rules';
import { createBindingStore, type BindingStore } from './binding-store';
import { parseBuildingOnly, parseUnitAddress, splitUnit } from './household';
import type { Identities } from './identities';
import type { IdentityRecord, OwnerRecord } from './owner-model';
import type { OwnerRecords } from './owner-records';

type Step = (record: IdentityRecord, now: Date) => Promise<BindingResult>;

/** What the channel knows of where an answer came from: the web chat's client address. */
export interface AnswerContext {
  clientAddress?: string;
}

interface Context {
  store: BindingStore;
  records: OwnerRecords;
  guard: BindingGuard;
  notifyHousehold: NotifyHousehold;
  policy: BindingPolicy;
  log: Logger | undefined;
}

const ASK_UNIT = { 'binding.step': 'awaiting_unit', 'binding.building': '', 'binding.unit': '' };
const LEAVE = { 'binding.step': 'none', 'binding.building': '', 'binding.unit': '' };

/**
 * The binding dialog: an identity names a unit, then the last four digits of the phone on
 * file for it, and is bound to that owner and verified. A wrong unit and wrong digits each
 * cost one attempt; the one that reaches `maxAttempts` locks the identity for `lockMs`.
 * Wrong answers also count against the unit and the client address (see `BindingGuard`),
 * and the household's other chats hear of every new link.
 */
export function createBinding(deps: {
  connection: Connection;
  identities: Identities;
  records: OwnerRecords;
  guard: BindingGuard;
  notifyHousehold: NotifyHousehold;
  clock: Clock;
  policy: BindingPolicy;
  logger?: Logger;
}) {
  const ctx: Context = {
    store: createBindingStore(deps),
    records: deps.records,
    guard: deps.guard,
    notifyHousehold: deps.notifyHousehold,
    policy: deps.policy,
    log: deps.logger,
  };

  /** Loads the identity; `next` runs unless it is bound already or locked out. */
  const step = async (identityId: string, next: Step): Promise<BindingResult> => {
    const record = await deps.identities.load(identityId);
    const now = deps.clock.now();
    const owner = record.verified && record.ownerId ? await deps.records.find(record.ownerId) : undefined;
    if (owner)
      return {
        outcome: 'already_verified',
        ownerId: String(owner._id),
        building: owner.building,
        unit: owner.unit,
      };
    const lockedUntil = activeLock(record.binding, now);
    return lockedUntil ? { outcome: 'locked', lockedUntil } : next(record, now);
  };

  return {
    /** Begins the dialog: asks for the unit, unless already verified or locked out. */
    start: (identityId: string) => step(identityId, (record, now) => askForUnit(ctx, record, now)),

    /**
     * Takes the building and unit in any usual spelling; asks for the phone digits next,
     * unless the unit or the client address is paused (then it says how long).
     */
    submitUnit: (identityId: string, text: string, context: AnswerContext = {}) =>
      step(identityId, (record, now) => takeUnit(ctx, record, text, context, now)),

    /**
     * Checks the last four digits (or the whole number) against the phone on file for the
     * unit. A wrong unit and wrong digits each cost one attempt; after `maxAttempts` the
     * identity is locked for `lockMs`. On success the identity is bound and verified.
     */
    submitPhoneDigits: (identityId: string, text: string, context: AnswerContext = {}) =>
      step(identityId, (record, now) => checkDigits(ctx, record, text, context, now)),

    /** Leaves the dialog (the owner said "cancel"); a lock-out and the attempts used stay. */
    cancel: (identityId: string) =>
      step(identityId, async (record, now) => {
        await ctx.store.moveTo(record, LEAVE, now);
        return { outcome: 'cancelled' };
      }),
  };
}

export type Binding = ReturnType<typeof createBinding>;

async function askForUnit(ctx: Context, record: IdentityRecord, now: Date): Promise<BindingResult> {
  await ctx.store.moveTo(record, ASK_UNIT, now);
  return { outcome: 'ask_unit' };
}

async function takeUnit(
  ctx: Context,
  record: IdentityRecord,
  text: string,
  context: AnswerContext,
  now: Date,
): Promise<BindingResult> {
  // Building and room may come in two messages: "3栋", then "1502".
  const partial = record.binding.building;
  const address = parseUnitAddress(text) ?? (partial ? parseUnitAddress(`${partial}栋 ${text}`) : undefined);
  if (!address) {
    const building = parseBuildingOnly(text);
    if (!building) return { outcome: 'unit_not_understood' };
    await ctx.store.moveTo(record, { 'binding.step': 'awaiting_unit', 'binding.building': building }, now);
    return { outcome: 'ask_room', building };
  }
  // The unit is not looked up here: whether it exists is only ever judged together with the digits.
  const { building, unit } = address;
  const target = { building, room: splitUnit(unit).room, ...context };
  const pause = await ctx.guard.pauseOn(target, now);
  if (pause) return refuseWhilePaused(ctx, record, pause, now);
  await ctx.store.moveTo(
    record,
    {
      'binding.step': 'awaiting_phone',
      'binding.building': building,
      'binding.unit': unit,
      'binding.addressKey': addressKey(context.clientAddress) ?? '',
    },
    now,
  );
  return { outcome: 'ask_phone', building, unit };
}

async function checkDigits(
  ctx: Context,
  record: IdentityRecord,
  text: string,
  context: AnswerContext,
  now: Date,
): Promise<BindingResult> {
  const { step: current, building, unit } = record.binding;
  if (current !== 'awaiting_phone' || !building || !unit) return askForUnit(ctx, record, now);
  const answer = readPhoneAnswer(text);
  if (!answer) return { outcome: 'digits_not_understood' };
  const target = { building, room: splitUnit(unit).room, ...context };
  // Charged before the comparison, so answers racing on one unit are each judged after the last.
  const admitted = await ctx.guard.admit(target, now);
  if ('paused' in admitted) return refuseWhilePaused(ctx, record, admitted.paused, now);
  const match = matchHousehold(await ctx.records.verifiedAt(building, target.room), unit, answer);
  await ctx.guard.settle(admitted.charged, 'owner' in match, now);
  if (!('owner' in match)) return wrongAnswer(ctx, record, match.outcome, now);
  return bindTo(ctx, record, match.owner, now);
}

/** Binds the identity; the household's other chats are told first, so a crash between loses no notice. */
async function bindTo(
  ctx: Context,
  record: IdentityRecord,
  owner: OwnerRecord,
  now: Date,
): Promise<BindingResult> {
  const ownerId = String(owner._id);
  await ctx.notifyHousehold(record, owner, now);
  await ctx.store.bind(record, ownerId, now);
  ctx.log?.info({ identity: record.key, ownerId }, 'Owner identity verified');
  return { outcome: 'verified', ownerId, building: owner.building, unit: owner.unit };
}

/**
 * A try on a paused unit or address: nothing is compared or counted, and the dialog ends, so
 * what the owner writes meanwhile is not read as an answer ("绑定" starts it again).
 */
async function refuseWhilePaused(
  ctx: Context,
  record: IdentityRecord,
  pause: GuardPause,
  now: Date,
): Promise<BindingResult> {
  await ctx.store.moveTo(record, LEAVE, now);
  ctx.log?.info({ identity: record.key, scope: pause.scope, pause: pause.kind }, 'Owner binding try paused');
  return pause.kind === 'locked'
    ? { outcome: 'locked', lockedUntil: pause.until }
    : { outcome: 'wait', until: pause.until };
}

/** Counts a wrong answer; the one that reaches `maxAttempts` locks the identity for `lockMs`. */
async function wrongAnswer(
  ctx: Context,
  record: IdentityRecord,
  kind: 'retry' | 'no_such_unit',
  now: Date,
): Promise<BindingResult> {
  const attempts = await ctx.store.countFailure(record, now);
  if (attempts === undefined) return { outcome: 'ask_unit' }; // a concurrent answer moved the dialog on
  ctx.log?.info({ identity: record.key, outcome: kind, attempts }, 'Owner binding mismatch');
  const { maxAttempts, lockMs } = ctx.policy;
  if (attempts < maxAttempts) return { outcome: kind, attemptsLeft: maxAttempts - attempts };
  const lockedUntil = new Date(now.getTime() + lockMs);
  await ctx.store.lock(record, lockedUntil, now);
  ctx.log?.warn({ identity: record.key, lockedUntil }, 'Owner binding locked after repeated mismatches');
  return { outcome: 'locked', lockedUntil };
}
