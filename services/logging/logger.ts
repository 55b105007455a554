import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Paths pino blanks out wherever they appear in a log line. Code never logs a raw phone
 * number on purpose (see `maskPhone`); this list is the net under that rule.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'signingSecret',
  '*.signingSecret',
  'webhookSecret',
  '*.webhookSecret',
  'puppetToken',
  '*.puppetToken',
  'appSecret',
  '*.appSecret',
  'accessToken',
  '*.accessToken',
  'adminToken',
  '*.adminToken',
  'phone',
  '*.phone',
  'password',
  '*.password',
  'uri',
  '*.uri',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-slack-signature"]',
];

/** Creates the process logger: JSON lines on stdout (or `destination`), secrets and phones redacted. */
export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'ownerbot' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Bot tokens travel inside URLs (/bot<token>/...) and error messages; scrub them there too.
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<
              typeof method
            >,
          );
        },
      },
      serializers: {
        err: (error: unknown) => {
          const serialized = pino.stdSerializers.err(error as Error);
          if (serialized && typeof serialized.message === 'string')
            serialized.message = scrubSecrets(serialized.message);
          if (serialized && typeof serialized.stack === 'string')
            serialized.stack = scrubSecrets(serialized.stack);
          return serialized;
        },
      },
    },
    options.destination,
  );
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\bbot\d{5,}:[\w-]{20,}/g, 'bot[redacted]'],
  [/\b\d{5,}:[\w-]{30,}\b/g, '[redacted-telegram-token]'],
  [/\bxox[abprs]-[\w-]+/g, '[redacted-slack-token]'],
  [/(mongodb(?:\+srv)?:\/\/)[^@/\s]+@/g, '$1[redacted]@'],
  // WeChat's access token travels in the query string of every API call.
  [/(access_token=)[^&\s"']+/g, '$1[redacted]'],
];

/** Removes bot tokens, Slack tokens and database credentials from free text. */
export function scrubSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** Shows enough of a phone number to recognise it (last four digits), never the whole number. */
export function maskPhone(phone: string | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `${'*'.repeat(Math.min(digits.length - 4, 7))}${digits.slice(-4)}`;
}
