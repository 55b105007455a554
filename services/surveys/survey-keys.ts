/** `quarterly:2026Q4` (the contract in survey-model.ts). */
export const campaignIdOf = (quarter: string) => `quarterly:${quarter}`;

/** The outbox key of an owner's first survey message: at most one per owner per campaign. */
export const surveyMessageKey = (quarter: string, ownerId: string) => `survey:${quarter}:${ownerId}`;

/** The outbox key of an owner's reminder: at most one per owner per campaign. */
export const surveyReminderKey = (quarter: string, ownerId: string) =>
  `survey-reminder:${quarter}:${ownerId}`;

/** `<campaignId>:<ownerId>`: one response per owner per campaign. */
export const responseIdOf = (campaignId: string, ownerId: string) => `${campaignId}:${ownerId}`;
