import { ConfigError } from '../errors';
import { buildConfig } from './build-config';
import type { Config } from './config-types';
import { crossFieldProblems } from './env-problems';
import { envSchema } from './env-schema';

export type { ChannelStatus, Config } from './config-types';

/**
 * Validates the environment and returns the typed configuration.
 * Throws one `ConfigError` naming every bad key with its reason and the offending value
 * (secrets are never echoed back).
 */
export function loadConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const result = envSchema.safeParse(env, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      const shown = /TOKEN|SECRET/.test(key) ? 'the given value' : JSON.stringify(issue.input);
      return `${key} ${issue.message}, got ${shown}`;
    });
    throw new ConfigError(problems);
  }
  const parsed = result.data;
  const problems = crossFieldProblems(parsed);
  if (problems.length > 0) throw new ConfigError(problems);
  return buildConfig(parsed, cwd);
}
