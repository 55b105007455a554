import type { GuardPolicy } from './binding-guard';
import {
  DEFAULT_ADDRESS_LIMITS,
  DEFAULT_COUNTER_WINDOW_MS,
  DEFAULT_UNIT_LIMITS,
} from './binding-guard-rules';
import { normalizePhone, splitUnit } from './household';
import type { IdentityRecord, OwnerRecord } from './owner-model';

/** Limits on wrong answers: per identity here, per unit and per client address in `GuardPolicy`. */
export interface BindingPolicy extends GuardPolicy {
  /** Wrong answers (address or digits) of one identity before its lock-out; default 3. */
  maxAttempts: number;
  /** How long an identity's lock-out lasts; default 30 minutes. */
  lockMs: number;
}

export const DEFAULT_BINDING_POLICY: BindingPolicy = {
  maxAttempts: 3,
  lockMs: 30 * 60_000,
  unit: DEFAULT_UNIT_LIMITS,
  address: DEFAULT_ADDRESS_LIMITS,
  windowMs: DEFAULT_COUNTER_WINDOW_MS,
};

/**
 * Where an owner stands in proving they own a unit; `bindingReply` (texts.ts) turns it
 * into what they read. `retry` (the unit exists, the digits are wrong) and `no_such_unit`
 * (no verified household there) are told apart for logs and metrics only: both cost one
 * attempt and get the same words, so the owner never learns which answer was wrong or
 * whether a unit is on file. `wait` and `locked` come from the identity's own attempts or
 * from its unit's or address's, and read the same whichever it was.
 */
export type BindingResult =
  | { outcome: 'ask_unit' }
  | { outcome: 'unit_not_understood' }
  | { outcome: 'ask_room'; building: string }
  | { outcome: 'ask_phone'; building: string; unit: string }
  | { outcome: 'digits_not_understood' }
  | { outcome: 'retry' | 'no_such_unit'; attemptsLeft: number }
  | { outcome: 'wait'; until: Date }
  | { outcome: 'locked'; lockedUntil: Date }
  | { outcome: 'verified' | 'already_verified'; ownerId: string; building: string; unit: string }
  | { outcome: 'cancelled' };

const EPOCH = new Date(0);

/** The binding of an identity that is not in the dialog (new, cancelled or verified). */
export const NO_BINDING: IdentityRecord['binding'] = {
  step: 'none',
  building: '',
  unit: '',
  attempts: 0,
  lockedUntil: EPOCH,
  addressKey: '',
};

/** When the identity's lock-out ends, if one is running at `now`. */
export function activeLock(binding: IdentityRecord['binding'], now: Date): Date | undefined {
  return binding.step === 'locked' && binding.lockedUntil > now ? binding.lockedUntil : undefined;
}

/** The fields that give a fresh set of attempts to the first step after an expired lock-out. */
export function afterLock(binding: IdentityRecord['binding']): Record<string, unknown> {
  return binding.step === 'locked' ? { 'binding.attempts': 0, 'binding.lockedUntil': EPOCH } : {};
}

/** The owner's answer to "the last four digits": four digits, or a whole number compared in full. */
export type PhoneAnswer = { last4: string } | { phone: string };

/** Reads the phone answer; undefined when it is neither four digits nor a whole number. */
export function readPhoneAnswer(text: string): PhoneAnswer | undefined {
  const digits = typeof text === 'string' ? text.normalize('NFKC').replace(/\D/g, '') : '';
  if (digits.length === 4) return { last4: digits };
  const full = digits.length >= 7 ? normalizePhone(digits) : undefined;
  return full?.ok ? { phone: full.phone } : undefined;
}

/**
 * The owner the answer binds to among the verified owners of the unit's building and room
 * (oldest first), or why not. Without an entrance, "5栋1203" may name 1单元1203 and
 * 2单元1203: it binds only when the digits single out one household. Two people of one
 * household whose numbers end alike get the earlier record (the whole number tells them apart).
 */
export function matchHousehold(
  candidates: readonly OwnerRecord[],
  unit: string,
  answer: PhoneAnswer,
): { owner: OwnerRecord } | { outcome: 'no_such_unit' | 'retry' } {
  const { entrance } = splitUnit(unit);
  const inUnit = candidates.filter((owner) => !entrance || !owner.entrance || owner.entrance === entrance);
  if (inUnit.length === 0) return { outcome: 'no_such_unit' };
  const matches = inUnit.filter((owner) =>
    'phone' in answer ? owner.phone === answer.phone : owner.phoneLast4 === answer.last4,
  );
  const households = new Set(matches.map((owner) => `${owner.building}/${owner.unit}`));
  const owner = matches[0];
  return owner && households.size === 1 ? { owner } : { outcome: 'retry' };
}
