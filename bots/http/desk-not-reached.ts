import { label } from '../../services/i18n/labels';
import { unreachableReasons } from '../../services/i18n/outreach';
import { deskTexts } from '../../services/i18n/desk';
import { localize, type Language } from '../../services/i18n/text';
import type { ReachSummary } from '../../services/outreach/outreach-reach';
import { escapeHtml } from './admin-access';

/**
 * "Owners not reached" above the queue: how many surveys, return visits and announcements of
 * the last 30 days reached nobody, and why (instead of silent dead letters). '' when none.
 */
export function notReachedSection(byPurpose: Record<string, ReachSummary>, language: Language): string {
  const rows = Object.entries(byPurpose).flatMap(([purpose, summary]) =>
    Object.entries(summary.reasons).map(([code, count]) => {
      const why = unreachableReasons[code];
      const text = why ? localize(why, language) : code;
      return `<li>${escapeHtml(label(purpose, language))}: <b>${count}</b> — ${escapeHtml(text)} <span class="muted">(${escapeHtml(code)})</span></li>`;
    }),
  );
  if (rows.length === 0) return '';
  return `<details class="unreached"><summary>${escapeHtml(localize(deskTexts.notReached, language))}</summary><ul>${rows.join('')}</ul></details>`;
}
