import type { Language } from '../i18n/text';

export { label } from '../i18n/labels';

/** "0.93" / "—". */
export const fixed = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

/** "58%" / "—". */
export const percent = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value * 100)}%`;

/** Minutes as "45 min" / "6.5 h" / "2.1 d". */
export function duration(minutes: number | null | undefined, language: Language): string {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 90) return language === 'zh' ? `${Math.round(minutes)} 分钟` : `${Math.round(minutes)} min`;
  if (minutes < 48 * 60)
    return language === 'zh' ? `${(minutes / 60).toFixed(1)} 小时` : `${(minutes / 60).toFixed(1)} h`;
  return language === 'zh' ? `${(minutes / 1440).toFixed(1)} 天` : `${(minutes / 1440).toFixed(1)} d`;
}
