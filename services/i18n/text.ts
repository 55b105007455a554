/** Languages every user-visible text exists in. */
export type Language = 'zh' | 'en';

export const LANGUAGES: readonly Language[] = ['zh', 'en'];

/** One user-visible text in every language. */
export type LocalizedText = Record<Language, string>;

/**
 * Picks the owner's language and fills `{name}` placeholders. A placeholder without a
 * value is left visible rather than silently dropped, so a missing variable shows in tests.
 */
export function localize(
  text: LocalizedText,
  language: Language,
  values: Record<string, string | number> = {},
): string {
  return text[language].replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}

/** `text` on one line (runs of white space made one space), cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
