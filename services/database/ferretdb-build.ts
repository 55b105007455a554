import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseError } from '../errors';
import type { Logger } from '../logging/logger';
import { isAlive, readText } from './supervised-process';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

/** Where the built binary lives inside the cache folder. */
export function ferretdbBinaryPath(cacheDir: string): string {
  return path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/** True when a `go` toolchain is on PATH. */
export function hasGo(): boolean {
  const result = spawnSync('go', ['version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * Returns the path of a FerretDB binary, building it with Go the first time.
 *
 * Why not `go install ...@v1.24.2`: the module proxy refuses FerretDB's version list, which
 * `go install` reads for its deprecation check, and a FerretDB built as a dependency of
 * another module panics without its generated `version.txt`. So we download the exact
 * module, copy it, write `version.txt` and build it as the main module. Concurrent
 * processes (tests and an app) share one build through a lock directory.
 */
export async function ensureFerretdbBinary(options: { cacheDir: string; logger: Logger }): Promise<string> {
  const binary = ferretdbBinaryPath(options.cacheDir);
  if (isExecutable(binary)) return binary;

  const lockDir = `${binary}.lock`;
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  while (!tryLock(lockDir)) {
    if (isExecutable(binary)) return binary;
    if (Date.now() > deadline)
      throw new DatabaseError('engine_build_timeout', `Timed out waiting for ${lockDir}`);
    await sleep(1000);
  }
  try {
    if (isExecutable(binary)) return binary;
    options.logger.info(
      { version: FERRETDB_VERSION, binary },
      'Building the embedded database engine (FerretDB) with Go. The first build takes a few minutes; later starts reuse it.',
    );
    const started = Date.now();
    await buildFerretdb(binary);
    options.logger.info(
      { seconds: Math.round((Date.now() - started) / 1000) },
      'Embedded database engine built',
    );
    return binary;
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

async function buildFerretdb(binary: string): Promise<void> {
  const goEnv = { ...processEnvForGo(), GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const download = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    env: goEnv,
  });
  const moduleDir = (JSON.parse(download) as { Dir?: string }).Dir;
  if (!moduleDir)
    throw new DatabaseError('engine_build_failed', `go mod download gave no directory: ${download}`);

  const workDir = `${path.dirname(binary)}/build-${process.pid}`;
  removeTree(workDir);
  fs.cpSync(moduleDir, workDir, { recursive: true });
  makeWritable(workDir);
  fs.writeFileSync(path.join(workDir, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`);
  try {
    const partial = `${binary}.partial-${process.pid}`;
    await run('go', ['build', '-trimpath', '-o', partial, './cmd/ferretdb'], { cwd: workDir, env: goEnv });
    fs.renameSync(partial, binary);
  } finally {
    removeTree(workDir);
  }
}

/**
 * Go needs HOME, PATH, proxy settings and its own GO* variables from the machine, and
 * nothing of ours (this is the toolchain's environment, not ownerbot configuration).
 */
function processEnvForGo(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // eslint-disable-next-line no-restricted-properties
  for (const [key, value] of Object.entries(process.env)) {
    if (
      key === 'PATH' ||
      key === 'HOME' ||
      key.startsWith('GO') ||
      key === 'TMPDIR' ||
      key.endsWith('_PROXY')
    ) {
      env[key] = value;
    }
  }
  return env;
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) =>
      reject(
        new DatabaseError('engine_build_failed', `${command} could not start: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new DatabaseError(
            'engine_build_failed',
            `\`${command} ${args.join(' ')}\` failed (exit ${code}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`,
          ),
        );
    });
  });
}

function tryLock(lockDir: string): boolean {
  try {
    fs.mkdirSync(lockDir);
    fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A lock left by a process that died is stale: take it over.
    const owner = Number(readText(path.join(lockDir, 'pid')));
    if (owner && !isAlive(owner)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      return tryLock(lockDir);
    }
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else fs.chmodSync(full, 0o644);
  }
}

function removeTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  makeWritable(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}
