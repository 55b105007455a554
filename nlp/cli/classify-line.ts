import type { Understander } from '../understand';

/** Lines longer than this are refused rather than classified (a paste of a whole document). */
export const MAX_LINE_LENGTH = 100_000;

/** The CLI's output for one message; the keys appear in this order in the JSON line. */
export interface ClassifyOutput {
  text: string;
  language: string;
  intent: string;
  confidence: number;
  fallback: boolean;
  category: string;
  emergency: boolean;
}

function errorLine(message: string): string {
  return JSON.stringify({ error: message });
}

/**
 * Turns one input line (plain text, or a JSON object with a string `text`) into exactly one
 * JSON line without a newline: the classification, or `{"error": "..."}` saying what was wrong.
 * Never throws.
 */
export function classifyLine(line: string, understander: Understander): string {
  try {
    const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (raw.length > MAX_LINE_LENGTH) {
      return errorLine(`line too long: ${raw.length} characters, the limit is ${MAX_LINE_LENGTH}`);
    }
    let text = raw;
    if (raw.trimStart().startsWith('{')) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        return errorLine(`invalid JSON: ${(error as Error).message}`);
      }
      const field = (value as { text?: unknown } | null)?.text;
      if (typeof field !== 'string') return errorLine('a JSON line needs a string "text" field');
      text = field;
    }
    const result = understander.understand(text);
    const output: ClassifyOutput = {
      text,
      language: result.language,
      intent: result.intent,
      confidence: Math.round(result.confidence * 10_000) / 10_000,
      fallback: result.fallback,
      category: result.category,
      emergency: result.emergency !== undefined,
    };
    return JSON.stringify(output);
  } catch (error) {
    return errorLine(`could not classify this line: ${(error as Error).message}`);
  }
}
