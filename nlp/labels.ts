/** What an owner wants: help with a fault, an answer, to complain, or none of those. */
export const INTENTS = ['help_seeking', 'consulting', 'dissatisfaction', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * What a message is about (the complaint types by content of the property-service literature),
 * for routing: `safety` is a present hazard from gas, fire, electricity or violence;
 * `neighbours` is a dispute between neighbours (noise, pets, parking, smoke).
 */
export const CATEGORIES = [
  'equipment',
  'service_attitude',
  'service_quality',
  'fees',
  'cleaning_greening',
  'security',
  'parking',
  'decoration',
  'neighbours',
  'safety',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** True when `value` is one of the four intents. */
export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

/** True when `value` is one of the categories. */
export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
