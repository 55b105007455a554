import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import pino from 'pino';
import { connectDatabase } from '../../../services/database/connect';
import { runEngineMigrate } from '../../../services/database/engine-migrate-command';
import { startDatabaseEngine } from '../../../services/database/engine';
import { findFreeLoopbackPort } from '../../../services/database/free-port';
import { startSupervisedServer } from '../../../services/database/supervised-process';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');

/** Writes data the way the earlier embedded engine (FerretDB on SQLite) stored it. */
async function writeSqliteData(dataDir: string): Promise<void> {
  const binary = process.env.OWNERBOT_TEST_ENGINE_BINARY as string;
  fs.mkdirSync(path.join(dataDir, 'sqlite'));
  const port = await findFreeLoopbackPort();
  const server = await startSupervisedServer(
    {
      name: 'FerretDB (SQLite)',
      binary,
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${path.join(dataDir, 'sqlite')}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${path.join(dataDir, 'ferretdb-state')}`,
        '--debug-addr=-',
        '--telemetry=disable',
      ],
      logFile: path.join(dataDir, 'old.log'),
      pidFile: path.join(dataDir, 'old.pid'),
      port,
    },
    pino({ level: 'silent' }),
  );
  const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}/`);
  try {
    await client.connect();
    const db = client.db('ownerbot');
    await db.collection('owners').createIndex({ phone: 1 }, { unique: true, name: 'phone_1' });
    await db.collection('owners').insertMany(
      Array.from({ length: 1200 }, (_, i) => ({
        name: `业主${i}`,
        phone: `1390000${String(i).padStart(4, '0')}`,
      })),
    );
    await db
      .collection('tickets')
      .insertOne({ reference: 'WO-2611-0001', createdAt: new Date('2026-11-02T03:04:05Z') });
  } finally {
    await client.close();
    await server.stop();
  }
}

describe('data of the earlier SQLite engine', () => {
  let dataDir: string;
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-migrate-'));
    await writeSqliteData(dataDir);
  }, 60_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const start = () =>
    startDatabaseEngine({ uri: undefined, dataDir, cacheDir: path.join(PROJECT_ROOT, '.cache'), logger });

  it('when ownerbot starts on a data folder holding it, then it is copied once, indexes included, and the old files are kept', async () => {
    const engine = await start();
    const database = await connectDatabase({
      uri: engine.uri,
      dbName: 'ownerbot',
      engine: engine.kind,
      logger,
    });
    try {
      const owners = database.connection.collection('owners');
      expect(await owners.countDocuments()).toBe(1200);
      expect((await owners.findOne({ phone: '13900000042' }))?.name).toBe('业主42');
      const ticket = await database.connection.collection('tickets').findOne({});
      expect(ticket?.createdAt).toEqual(new Date('2026-11-02T03:04:05Z'));
      await expect(owners.insertOne({ name: 'dup', phone: '13900000042' })).rejects.toMatchObject({
        code: 11000,
      });
      expect(fs.readdirSync(path.join(dataDir, 'sqlite')).some((name) => name.endsWith('.sqlite'))).toBe(
        true,
      );
      expect(lines.join('')).toContain('copying it into the new engine (once)');
    } finally {
      await database.close();
      await engine.stop();
    }
  }, 120_000);

  it('when ownerbot starts again, or the migrate command runs, then nothing is copied twice', async () => {
    lines.length = 0;
    const engine = await start();
    const database = await connectDatabase({
      uri: engine.uri,
      dbName: 'ownerbot',
      engine: engine.kind,
      logger,
    });
    try {
      expect(lines.join('')).toContain('was copied already');
      let output = '';
      const out = new Writable({
        write(chunk: Buffer, _encoding, done) {
          output += chunk.toString();
          done();
        },
      });
      const code = await runEngineMigrate({
        database,
        dataDir,
        cacheDir: path.join(PROJECT_ROOT, '.cache'),
        logger,
        out,
      });
      expect(code).toBe(0);
      expect(output).toContain('Copied 0 documents from 2 collections; 1201 were present already.');
      expect(await database.connection.collection('owners').countDocuments()).toBe(1200);
    } finally {
      await database.close();
      await engine.stop();
    }
  }, 120_000);
});
