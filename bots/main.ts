import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig, type Config } from '../services/config/load-config';
import { AppError, ConfigError } from '../services/errors';
import { createLogger, type Logger } from '../services/logging/logger';
import { startApp, type RunningApp } from './app';

/** Exit code for configuration errors (sysexits EX_CONFIG). */
const EXIT_CONFIG = 78;
/** How long a graceful stop may take before we give up and exit anyway. */
const SHUTDOWN_DEADLINE_MS = 8000;

/** `.env` in the working directory fills in what the real environment leaves unset. */
function readEnvironment(): Record<string, string | undefined> {
  const file = path.resolve('.env');
  const fromFile = fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }

  const logger = createLogger({ level: config.logLevel });
  let app: RunningApp | undefined;
  let shuttingDown = false;

  const shutDown = (signal: string) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'Second signal: exiting now');
      app?.engine.killNow();
      process.exit(130);
    }
    shuttingDown = true;
    logger.info({ signal }, 'Shutting down');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'Shutdown took too long; exiting');
      app?.engine.killNow();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    void (app?.stop() ?? Promise.resolve()).then(
      () => {
        logger.info('Stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Error while stopping');
        app?.engine.killNow();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutDown('SIGTERM'));
  process.on('SIGINT', () => shutDown('SIGINT'));

  const crash = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, kind);
    app?.engine.killNow();
    process.exit(1);
  };
  process.once('uncaughtException', crash('Uncaught exception'));
  process.once('unhandledRejection', crash('Unhandled promise rejection'));

  try {
    app = await startApp(config, logger);
  } catch (error) {
    reportStartFailure(logger, error);
    process.exit(1);
  }
}

function reportStartFailure(logger: Logger, error: unknown): void {
  if (error instanceof AppError) {
    logger.fatal({ code: error.code }, 'ownerbot could not start');
    process.stderr.write(`\n${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'ownerbot could not start');
  }
}

void main();
