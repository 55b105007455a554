/** Flags that never take a value, so `--dry-run FILE` keeps FILE as a word. */
const BOOLEAN_FLAGS = new Set([
  'demo',
  'dry-run',
  'help',
  'include-phone',
  'json',
  'with-phones',
  'force',
  'rebuild',
]);

/** Splits argv into positional words and `--flag value`, `--flag=value` or bare `--flag` options. */
export function parseArguments(argv: string[]): { words: string[]; flags: Record<string, string | true> } {
  const words: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const body = arg.slice(2);
    const equals = body.indexOf('=');
    if (equals >= 0) {
      flags[body.slice(0, equals)] = body.slice(equals + 1);
      continue;
    }
    const next = argv[index + 1];
    if (!BOOLEAN_FLAGS.has(body) && next !== undefined && !next.startsWith('--')) {
      flags[body] = next;
      index++;
    } else {
      flags[body] = true;
    }
  }
  return { words, flags };
}
