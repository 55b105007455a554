import { isEvent } from './guards';
import { PROPERTY_HAZARDS } from './hazards';
import { PEOPLE_HAZARDS } from './hazards-people';
import type { Emergency } from './kinds';
import { canonicalize } from './spelling';

export { EMERGENCY_CATEGORY, EMERGENCY_KINDS } from './kinds';
export type { Emergency, EmergencyKind, EmergencySource } from './kinds';
export { correctHazardWord } from './spelling';
export { findDangerWords } from './danger-words';
export type { DangerWords } from './danger-words';

/*
 * How it works. The message is normalized (Traditional as Simplified, Cantonese as Mandarin),
 * English contractions are expanded and misspelt hazard words are mapped to their canonical
 * spelling (spelling.ts). Hazard patterns (hazards.ts, hazards-people.ts) then run on that
 * canonical text, and each hit is checked against guards that make it a mention rather than
 * an event (guards.ts). Patterns are deliberately broad (recall first); guards carry the
 * precision. No trained model is involved: the rules decide first and alone.
 */

const HAZARDS = [...PROPERTY_HAZARDS, ...PEOPLE_HAZARDS];

/**
 * Finds an emergency in a message (fire, gas, flood, lift entrapment, electrical, medical,
 * violence, a child or pet locked in a car, a building-wide outage), in Chinese of either
 * script, Cantonese or English, misspelt or written as a plain request, without any model.
 * Mentions are not events: "how do I book the fire-safety training?", "the gas bill is wrong",
 * "who do I call if I smell gas?" and "last week's flood was handled badly" return undefined.
 */
export function detectEmergency(message: string): Emergency | undefined {
  if (message.trim() === '') return undefined;
  const { text, origin, source } = canonicalize(message);
  for (const { kind, pattern } of HAZARDS) {
    pattern.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(text)) !== null) {
      if (match[0] === '') {
        pattern.lastIndex++;
        continue;
      }
      const start = match.index;
      const end = start + match[0].length;
      if (!isEvent(text, start, end, kind)) continue;
      pattern.lastIndex = 0;
      const from = origin[start] ?? 0;
      const lastChar = origin[end - 1] ?? from;
      return { kind, evidence: source.slice(from, lastChar + 1).trim(), source: 'rules' };
    }
  }
  return undefined;
}
