import { modelOn } from '../database/model';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Address, ChannelName } from '../channels/types';
import type { Language } from '../i18n/text';
import { maskPhone } from '../logging/logger';

export const OWNER_SOURCES = ['import', 'self_reported', 'staff'] as const;
export type OwnerSource = (typeof OWNER_SOURCES)[number];

export const BINDING_STEPS = ['none', 'awaiting_unit', 'awaiting_phone', 'locked'] as const;
export type BindingStep = (typeof BINDING_STEPS)[number];

/** An owner as stored. `phone` is kept in full here and nowhere else; it is never logged. */
export interface OwnerRecord {
  _id: Types.ObjectId;
  /** `building/unit/phone`: one document per person per household, so re-imports update. */
  householdKey: string;
  name: string;
  building: string;
  /** Canonical `entrance-room` or `room` (see household.ts). */
  unit: string;
  entrance: string;
  room: string;
  phone: string;
  phoneLast4: string;
  language: Language;
  verified: boolean;
  demo: boolean;
  source: OwnerSource;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One per channel user who ever wrote to us, owner or not. Optional values are stored as
 * '' / epoch / null, never missing (the embedded engine ignores `sparse`).
 */
export interface IdentityRecord {
  _id: Types.ObjectId;
  /** `<channel>:<platformUserId>`. */
  key: string;
  channel: ChannelName;
  platformUserId: string;
  displayName: string;
  address: { channel: ChannelName; conversationId: string; threadId: string };
  ownerId: string;
  verified: boolean;
  language: Language;
  binding: {
    step: BindingStep;
    building: string;
    unit: string;
    attempts: number;
    lockedUntil: Date;
    /** The client address counter of the last answer (web chat), so lifting a lock-out lifts it too. */
    addressKey: string;
  };
  unreachable: boolean;
  unreachableReason: string;
  unreachableAt: Date | null;
  lastInboundAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const ownerSchema = new Schema<OwnerRecord>(
  {
    householdKey: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    building: { type: String, required: true },
    unit: { type: String, required: true },
    entrance: { type: String, default: '' },
    room: { type: String, required: true },
    phone: { type: String, required: true },
    phoneLast4: { type: String, required: true },
    language: { type: String, required: true, enum: ['zh', 'en'], default: 'zh' },
    verified: { type: Boolean, default: false },
    demo: { type: Boolean, default: false },
    source: { type: String, required: true, enum: OWNER_SOURCES },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Binding looks households up by building and room (the entrance may be left out).
ownerSchema.index({ building: 1, room: 1 });
ownerSchema.index({ verified: 1, demo: 1 });

const identitySchema = new Schema<IdentityRecord>(
  {
    key: { type: String, required: true, unique: true },
    channel: { type: String, required: true },
    platformUserId: { type: String, required: true },
    displayName: { type: String, default: '' },
    address: {
      channel: { type: String, required: true },
      conversationId: { type: String, required: true },
      threadId: { type: String, default: '' },
    },
    ownerId: { type: String, default: '', index: true },
    verified: { type: Boolean, default: false },
    language: { type: String, required: true, enum: ['zh', 'en'], default: 'zh' },
    binding: {
      step: { type: String, enum: BINDING_STEPS, default: 'none' },
      building: { type: String, default: '' },
      unit: { type: String, default: '' },
      attempts: { type: Number, default: 0 },
      lockedUntil: { type: Date, default: () => new Date(0) },
      addressKey: { type: String, default: '' },
    },
    unreachable: { type: Boolean, default: false },
    unreachableReason: { type: String, default: '' },
    unreachableAt: { type: Date, default: null },
    lastInboundAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Outreach reads the verified identities it can still reach.
identitySchema.index({ verified: 1, unreachable: 1 });

export interface OwnerModels {
  /** `owners`: the owner database, from the property company's file. */
  owners: Model<OwnerRecord>;
  /** `identities`: channel users, bound to an owner once verified. */
  identities: Model<IdentityRecord>;
}

/** The owner models on this connection (registered once per connection). */
export function ownerModels(connection: Connection): OwnerModels {
  return {
    owners: modelOn<OwnerRecord>(connection, 'Owner', ownerSchema, 'owners'),
    identities: modelOn<IdentityRecord>(connection, 'Identity', identitySchema, 'identities'),
  };
}

/** An owner as the rest of the bot sees it: no full phone number (see `phoneOf`). */
export interface Owner {
  id: string;
  name: string;
  building: string;
  unit: string;
  /** e.g. `*******8000`, safe to show staff and to log. */
  maskedPhone: string;
  phoneLast4: string;
  language: Language;
  verified: boolean;
  demo: boolean;
  source: OwnerSource;
  createdAt: Date;
  updatedAt: Date;
}

export interface Identity {
  id: string;
  key: string;
  channel: ChannelName;
  platformUserId: string;
  displayName: string;
  address: Address;
  ownerId?: string;
  verified: boolean;
  language: Language;
  binding: { step: BindingStep; building?: string; unit?: string; attempts: number; lockedUntil?: Date };
  /** Set when the platform said the user blocked us; cleared when they write again. */
  unreachable?: { reason: string; at: Date };
  lastInboundAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export function toOwner(record: OwnerRecord): Owner {
  return {
    id: String(record._id),
    name: record.name,
    building: record.building,
    unit: record.unit,
    maskedPhone: maskPhone(record.phone),
    phoneLast4: record.phoneLast4,
    language: record.language,
    verified: record.verified,
    demo: record.demo,
    source: record.source,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function toIdentity(record: IdentityRecord): Identity {
  const address: Address = { channel: record.address.channel, conversationId: record.address.conversationId };
  if (record.address.threadId) address.threadId = record.address.threadId;
  const stored = record.binding;
  const binding: Identity['binding'] = { step: stored.step, attempts: stored.attempts };
  if (stored.building) binding.building = stored.building;
  if (stored.unit) binding.unit = stored.unit;
  if (stored.lockedUntil && stored.lockedUntil.getTime() > 0) binding.lockedUntil = stored.lockedUntil;
  const identity: Identity = {
    id: String(record._id),
    key: record.key,
    channel: record.channel,
    platformUserId: record.platformUserId,
    displayName: record.displayName,
    address,
    verified: record.verified,
    language: record.language,
    binding,
    lastInboundAt: record.lastInboundAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.ownerId) identity.ownerId = record.ownerId;
  if (record.unreachable)
    identity.unreachable = { reason: record.unreachableReason, at: record.unreachableAt ?? new Date(0) };
  return identity;
}
