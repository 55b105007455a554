/** What `forget` changed; zeros everywhere when there was nothing (left) to erase. */
export interface ForgetReport {
  target: string;
  /** `owner` (an owner id), `identity` (a channel user key), or `none` when nothing matched. */
  found: 'owner' | 'identity' | 'none';
  ownerAnonymised: boolean;
  identitiesUnlinked: number;
  messagesErased: number;
  casesErased: number;
  caseMessagesErased: number;
  caseEventsErased: number;
  outboxTextsErased: number;
  webTranscriptsDeleted: number;
  webPhotosDeleted: number;
  conversationStatesDeleted: number;
  correctionsDeleted: number;
  surveyCommentsErased: number;
}

/** A report of nothing found and nothing erased yet, filled in as the steps run. */
export function emptyForgetReport(target: string): ForgetReport {
  return {
    target,
    found: 'none',
    ownerAnonymised: false,
    identitiesUnlinked: 0,
    messagesErased: 0,
    casesErased: 0,
    caseMessagesErased: 0,
    caseEventsErased: 0,
    outboxTextsErased: 0,
    webTranscriptsDeleted: 0,
    webPhotosDeleted: 0,
    conversationStatesDeleted: 0,
    correctionsDeleted: 0,
    surveyCommentsErased: 0,
  };
}

/** The report as the operator reads it: one line per kind of data, and what stayed. */
export function describeForgetReport(report: ForgetReport): string {
  if (report.found === 'none')
    return `No owner or channel user "${report.target}" is on file; nothing was erased.\n`;
  const changed =
    report.ownerAnonymised ||
    Object.entries(report).some(([key, value]) => typeof value === 'number' && value > 0 && key !== 'target');
  const lines = [
    changed
      ? `Forgot ${report.found === 'owner' ? 'owner' : 'channel user'} ${report.target}:`
      : `${report.found === 'owner' ? 'Owner' : 'Channel user'} ${report.target} was already forgotten; nothing left to erase.`,
  ];
  if (changed) {
    lines.push(
      `  owner record anonymised:        ${report.ownerAnonymised ? 'yes' : 'no (already)'}`,
      `  channel identities unlinked:    ${report.identitiesUnlinked}`,
      `  inbound message texts erased:   ${report.messagesErased}`,
      `  case message texts erased:      ${report.caseMessagesErased} (in ${report.casesErased} cases, ${report.caseEventsErased} case events)`,
      `  sent message texts erased:      ${report.outboxTextsErased}`,
      `  web chat transcripts deleted:   ${report.webTranscriptsDeleted}`,
      `  web chat photos deleted:        ${report.webPhotosDeleted}`,
      `  conversation states deleted:    ${report.conversationStatesDeleted}`,
      `  staff corrections deleted:      ${report.correctionsDeleted}`,
      `  survey comments erased:         ${report.surveyCommentsErased}`,
      '  kept: cases with kind, category, quarter and status; survey scores; the building (anonymous statistics)',
    );
  }
  return `${lines.join('\n')}\n`;
}
