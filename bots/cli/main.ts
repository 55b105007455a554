#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../../services/config/load-config';
import { connectDatabase, type Database } from '../../services/database/connect';
import { startDatabaseEngine, type EmbeddedEngine } from '../../services/database/engine';
import { AppError, ConfigError } from '../../services/errors';
import { createLogger, type Logger } from '../../services/logging/logger';
import { parseArguments } from './arguments';
import { commands, type CommandContext } from './commands';

/** sysexits: EX_USAGE and EX_CONFIG. */
const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;

function usage(): string {
  const lines = Object.entries(commands).flatMap(([name, command]) => [
    `  ownerbot ${name} ${command.usage}`,
    `      ${command.summary}`,
  ]);
  return [
    'Usage:',
    ...lines,
    '',
    'Configuration comes from the environment and .env, as for `npm start`.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { words, flags } = parseArguments(argv);
  const name = Object.keys(commands).find((candidate) =>
    candidate.split(' ').every((word, i) => words[i] === word),
  );
  const command = name === undefined ? undefined : commands[name];
  if (!name || !command || flags.help) {
    if (words.length > 0 && !name) process.stderr.write(`ownerbot: unknown command "${words.join(' ')}"\n`);
    process.stderr.write(`${usage()}\n`);
    return words.length === 0 || flags.help ? 0 : EXIT_USAGE;
  }
  const args = words.slice(name.split(' ').length);

  const envFile = path.resolve('.env');
  const env = { ...(fs.existsSync(envFile) ? dotenv.parse(fs.readFileSync(envFile)) : {}), ...process.env };
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }
  // Operations print their report on stdout; the log stays on stderr and quiet.
  const logger: Logger = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destination: process.stderr,
  });

  let engine: EmbeddedEngine | undefined;
  let database: Database | undefined;
  try {
    engine = await startDatabaseEngine({ ...config.database, logger });
    database = await connectDatabase({ uri: engine.uri, engine: engine.kind, logger });
    const context: CommandContext = { config, database, logger, out: process.stdout, args, flags };
    return await command.run(context);
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`ownerbot: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await database?.close().catch(() => undefined);
    await engine?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`ownerbot: unexpected error: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
