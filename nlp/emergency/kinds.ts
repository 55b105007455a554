import type { Category } from '../labels';

/** The emergencies ownerbot escalates at once, whatever the classifier thinks. */
export const EMERGENCY_KINDS = [
  'fire',
  'gas',
  'flood',
  'lift_entrapment',
  'electrical',
  'medical',
  'violence',
  'locked_in_car',
  'outage',
  'unspecified',
] as const;
export type EmergencyKind = (typeof EMERGENCY_KINDS)[number];

/** What raised the alarm: the rules, or the learned emergency score when the rules were silent. */
export type EmergencySource = 'rules' | 'model';

/** What the detector found: the kind and the words of the message that show it. */
export interface Emergency {
  /** `unspecified` only when the learned score fired and no danger word names the hazard. */
  kind: EmergencyKind;
  /** The matched words (normalized), e.g. "smoek coming out"; for the model, its danger words. */
  evidence: string;
  source: EmergencySource;
}

/**
 * Where staff route each kind: fire, gas, electrical hazards and violence are `safety`; a
 * flood, a lift entrapment or an outage is `equipment`; a person in danger is `other`
 * (medical) or `security` (locked in a car). `unspecified` keeps the classifier's category.
 */
export const EMERGENCY_CATEGORY: Readonly<Record<EmergencyKind, Category | undefined>> = {
  fire: 'safety',
  gas: 'safety',
  electrical: 'safety',
  violence: 'safety',
  flood: 'equipment',
  lift_entrapment: 'equipment',
  outage: 'equipment',
  medical: 'other',
  locked_in_car: 'security',
  unspecified: undefined,
};
