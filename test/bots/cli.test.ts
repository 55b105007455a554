import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFakeClock } from '../../services/clock';
import { createFaqStore } from '../../services/knowledge/faq-store';
import { useTestDatabase } from '../support/database';
import { PROJECT_ROOT } from '../support/app-process';

const database = useTestDatabase();

/** Runs `npx ownerbot ...` as an operator would (bin/ownerbot.js), against this file's database. */
function ownerbot(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const uri = new URL(process.env.OWNERBOT_TEST_MONGODB_URI as string);
  uri.pathname = `/${database().connection.name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ownerbot.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGODB_URI: uri.toString() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-cli-'));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function writeFile(name: string, content: string): string {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('npx ownerbot', () => {
  it('when run without a command, then it lists the commands and exits 0', async () => {
    const { code, stderr } = await ownerbot([]);
    expect(code).toBe(0);
    expect(stderr).toContain('ownerbot owners import FILE.csv');
    expect(stderr).toContain('ownerbot faq import FILE.json');
  });

  it('when the command is unknown, then it says so and exits 64', async () => {
    const { code, stderr } = await ownerbot(['owners', 'delete']);
    expect(code).toBe(64);
    expect(stderr).toContain('unknown command "owners delete"');
  });

  it('when importing owners, then it reports accepted and rejected rows with reasons', async () => {
    const file = writeFile(
      'owners.csv',
      'name,building,unit,phone,language\nLi Na,3,1502,13800001234,zh\nTom Reed,7,2-301,13900005678,en\nNo Phone,7,2-302,,en\n',
    );
    const { code, stdout } = await ownerbot(['owners', 'import', file]);
    expect(stdout).toMatch(/new:\s+2/);
    expect(stdout).toMatch(/rejected:\s+1/);
    expect(stdout).toMatch(/line 4: .*phone/i);
    expect(stdout).not.toContain('13800001234');
    expect(code).toBe(65);
  }, 30_000);

  it('when an FAQ file has problems, then every problem is listed and nothing changes', async () => {
    const file = writeFile(
      'bad-faq.json',
      JSON.stringify({
        name: 'Bad',
        entries: [{ id: 'a', topic: 'A', category: 'nope', questions: { zh: [], en: ['q'] } }],
      }),
    );
    const { code, stdout } = await ownerbot(['faq', 'import', file]);
    expect(code).toBe(65);
    expect(stdout).toContain('entries[0].category');
    expect(stdout).toContain('entries[0].questions.zh');
    expect(stdout).toContain('entries[0].answer');
    const store = createFaqStore({ connection: database().connection, clock: createFakeClock() });
    expect((await store.active()).source).toBe('sample');
  }, 30_000);

  it('when a valid FAQ file is imported, then it becomes the active knowledge base', async () => {
    const file = writeFile(
      'faq.json',
      JSON.stringify({
        name: 'Riverside Court FAQ',
        entries: [
          {
            id: 'gym-hours',
            topic: 'Gym',
            category: 'other',
            questions: { zh: ['健身房几点开门'], en: ['When does the gym open?'] },
            answer: { zh: '每天 6:00 开门。', en: 'Daily from 6:00.' },
          },
        ],
      }),
    );
    const dryRun = await ownerbot(['faq', 'import', file, '--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('nothing stored');

    const { code, stdout } = await ownerbot(['faq', 'import', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('now the active knowledge base (1 entries');
    const store = createFaqStore({ connection: database().connection, clock: createFakeClock() });
    const active = await store.active();
    expect(active.source).toBe('imported');
    expect(active.file.name).toBe('Riverside Court FAQ');
  }, 30_000);
});
