import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Schema, type Connection } from 'mongoose';
import type { Clock } from '../clock';
import { modelOn } from '../database/model';
import { DomainError } from '../errors';
import { isDuplicateKey } from '../outbox/outbox';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  length: number,
) => Promise<Buffer>;

/** What a staff member may do on the desk: supervisors act on any case; managers also administer. */
export type StaffRole = 'staff' | 'supervisor' | 'manager';
export const STAFF_ROLES: readonly StaffRole[] = ['staff', 'supervisor', 'manager'];

/** A person who signs in to the web desk and dashboard with their own password. */
export interface StaffAccount {
  /** The name folded to lower case: one account per name, however it is typed. */
  _id: string;
  name: string;
  role: StaffRole;
  /** `scrypt$<salt>$<hash>`, base64url; the password itself is never stored. */
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

const accountSchema = new Schema<StaffAccount>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: STAFF_ROLES },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** A name people recognise in the audit log: letters (any script), digits, space, . _ - */
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u;
/** Verified sign-ins are remembered this long: HTTP Basic sends the password with every request. */
const VERIFIED_FOR_MS = 60_000;

const keyOf = (name: string) => name.trim().toLowerCase();

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * Named staff accounts with their own passwords (scrypt-hashed), so every desk action names the
 * person who did it. Passwords are made here (random, shown once) or chosen (at least 10
 * characters). `verify` is what every sign-in asks.
 */
export function createStaffAccounts(deps: { connection: Connection; clock: Clock }) {
  const Accounts = modelOn<StaffAccount>(deps.connection, 'StaffAccount', accountSchema, 'staff_accounts');
  const verified = new Map<string, { account: StaffAccount; until: number }>();
  const fingerprint = (name: string, password: string) =>
    createHash('sha256')
      .update(`${keyOf(name)}\0${password}`)
      .digest('base64url');

  const checkedPassword = (password: string | undefined) => {
    const chosen = password ?? randomBytes(12).toString('base64url');
    if (chosen.length < 10) throw new DomainError('weak_password', 'A password needs at least 10 characters');
    return chosen;
  };

  return {
    /** Creates an account; returns the password to hand over (the one given, or a new random one). */
    async add(name: string, options: { role?: StaffRole; password?: string } = {}): Promise<string> {
      const trimmed = name.trim();
      if (!NAME.test(trimmed))
        throw new DomainError(
          'invalid_name',
          `"${name}" is not a usable name (1-40 letters, digits, space, . _ -)`,
        );
      if (keyOf(trimmed) === 'admin')
        throw new DomainError('reserved_name', '"admin" is the ADMIN_TOKEN sign-in; choose another name');
      const password = checkedPassword(options.password);
      const now = deps.clock.now();
      try {
        await Accounts.create({
          _id: keyOf(trimmed),
          name: trimmed,
          role: options.role ?? 'staff',
          passwordHash: await hashPassword(password),
          createdAt: now,
          updatedAt: now,
        });
      } catch (error) {
        if (isDuplicateKey(error))
          throw new DomainError('name_taken', `There is already an account named ${trimmed}`);
        throw error;
      }
      return password;
    },

    /** Sets a new password (given, or random); returns it. Signed-in sessions end within a minute. */
    async resetPassword(name: string, password?: string): Promise<string> {
      const chosen = checkedPassword(password);
      const result = await Accounts.updateOne(
        { _id: keyOf(name) },
        { $set: { passwordHash: await hashPassword(chosen), updatedAt: deps.clock.now() } },
      );
      if (result.matchedCount === 0) throw new DomainError('no_account', `No account named ${name}`);
      verified.clear();
      return chosen;
    },

    async remove(name: string): Promise<boolean> {
      verified.clear();
      return (await Accounts.deleteOne({ _id: keyOf(name) })).deletedCount === 1;
    },

    list(): Promise<StaffAccount[]> {
      return Accounts.find({}).sort({ _id: 1 }).lean<StaffAccount[]>().exec();
    },

    /** The account whose name and password these are, else undefined. */
    async verify(name: string, password: string): Promise<StaffAccount | undefined> {
      const key = fingerprint(name, password);
      const now = deps.clock.now().getTime();
      const remembered = verified.get(key);
      if (remembered && remembered.until > now) return remembered.account;
      const account = await Accounts.findById(keyOf(name)).lean<StaffAccount>();
      if (!account || !(await passwordMatches(password, account.passwordHash))) return undefined;
      if (verified.size > 1000) verified.clear();
      verified.set(key, { account, until: now + VERIFIED_FOR_MS });
      return account;
    },
  };
}

export type StaffAccounts = ReturnType<typeof createStaffAccounts>;
