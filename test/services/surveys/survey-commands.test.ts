import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { runAnnounce } from '../../../services/announcements/announce-command';
import { createFakeClock } from '../../../services/clock';
import { loadConfig } from '../../../services/config/load-config';
import { outboxModels } from '../../../services/outbox/outbox-model';
import { DEFAULT_SURVEY } from '../../../services/surveys/default-survey';
import { runSurveyImport, runSurveySend, runSurveyStatus } from '../../../services/surveys/survey-commands';
import { PROJECT_ROOT } from '../../support/app-process';
import { useTestDatabase } from '../../support/database';
import { seedOwners } from './survey-fixtures';
import { captureOutput } from '../../support/output';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-survey-cli-'));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe('survey and announce commands', () => {
  const clock = createFakeClock('2026-11-22T02:00:00Z');
  const config = loadConfig({});
  const deps = () => ({ connection: database().connection, config, logger, clock });

  it('when a survey file is imported twice and then a broken one, then one version is added and every problem is named', async () => {
    const file = path.join(workDir, 'survey.json');
    const edited = { ...DEFAULT_SURVEY, questions: DEFAULT_SURVEY.questions.slice(10) };
    fs.writeFileSync(file, JSON.stringify(edited));
    const first = captureOutput();
    expect(await runSurveyImport({ ...deps(), out: first.out, file })).toBe(0);
    expect(first.text()).toBe('Survey quarterly version 1 stored (4 questions); the next campaign uses it\n');
    const again = captureOutput();
    expect(await runSurveyImport({ ...deps(), out: again.out, file })).toBe(0);
    expect(again.text()).toContain('unchanged (version 1');
    fs.writeFileSync(file, JSON.stringify(DEFAULT_SURVEY));
    expect(await runSurveyImport({ ...deps(), out: captureOutput().out, file })).toBe(0);

    fs.writeFileSync(
      file,
      JSON.stringify({
        surveyId: 'quarterly',
        title: { zh: '问卷' },
        intro: { zh: 'x', en: 'y' },
        questions: [{ id: 'q', kind: 'scale', measure: 'perceived', prompt: { zh: 'a', en: 'b' } }],
      }),
    );
    const broken = captureOutput();
    expect(await runSurveyImport({ ...deps(), out: broken.out, file })).toBe(65);
    expect(broken.text()).toContain('title needs non-empty zh and en texts');
    expect(broken.text()).toContain('question 1 (q): perceived questions need a dimension');
  });

  it('when a campaign is sent with --dry-run, then for real, then its status shows progress and a notice goes to one building', async () => {
    const owners = await seedOwners(database().connection, clock, [
      { from: 'cli-1', building: '8' },
      { from: 'cli-2', building: '8' },
      { from: 'cli-3', building: '9' },
    ]);
    const dry = captureOutput();
    expect(await runSurveySend({ ...deps(), out: dry.out, quarter: '2026Q4', dryRun: true })).toBe(0);
    expect(dry.text()).toBe('Dry run: campaign quarterly:2026Q4 does not exist yet; it would ask 3 owners\n');
    expect(await outboxModels(database().connection).entries.countDocuments({ purpose: 'survey' })).toBe(0);

    const real = captureOutput();
    expect(await runSurveySend({ ...deps(), out: real.out, quarter: '2026q4', dryRun: false })).toBe(0);
    expect(real.text()).toContain('Campaign quarterly:2026Q4 (quarterly@2) created');
    expect(real.text()).toContain('queueing [##############################] 100% 3/3');
    expect(real.text()).toMatch(/queued now: +3/);
    expect(await outboxModels(database().connection).entries.countDocuments({ purpose: 'survey' })).toBe(3);

    const status = captureOutput();
    expect(await runSurveyStatus({ ...deps(), out: status.out, quarter: '2026Q4' })).toBe(0);
    expect(status.text()).toContain('asked 3: not started 3, partial 0, complete 0, expired 0');
    expect(status.text()).toContain('building 8');
    expect(status.text()).toContain('vs 2026Q3: no campaign to compare with');
    const chinese = captureOutput();
    await runSurveyStatus({ ...deps(), out: chinese.out, quarter: '2026Q4', language: 'zh' });
    expect(chinese.text()).toContain('已邀请 3：未开始 3，部分作答 0，完成 0，已过期 0');
    expect(chinese.text()).toMatch(/ {2}8栋 +指数 —/);
    expect(chinese.text()).toContain('与 2026Q3 相比：无可比较的调查');
    expect(chinese.text()).not.toMatch(/\d{4}-\d\d-\d\dT/); // times on the local clock, not UTC ISO
    const bad = captureOutput();
    expect(await runSurveyStatus({ ...deps(), out: bad.out, quarter: 'Q4' })).toBe(64);

    const notice = captureOutput();
    expect(
      await runAnnounce({
        connection: database().connection,
        out: notice.out,
        logger,
        clock,
        words: [],
        flags: { building: '8', zh: '周六上午小区消防演练', en: 'Fire drill on Saturday morning' },
      }),
    ).toBe(0);
    expect(notice.text()).toMatch(/to building 8: 2 queued for 2 reachable owners/);
    const copies = await outboxModels(database().connection).entries.find({ purpose: 'announcement' }).lean();
    expect(copies.map((c) => c.ownerId).sort()).toEqual([owners[0]!.ownerId, owners[1]!.ownerId].sort());
    expect(copies[0]?.message.text).toBe(
      '📢 Notice from the property office\nFire drill on Saturday morning',
    );
  });

  it('when run through npx ownerbot, then the survey and announce commands are listed', async () => {
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/ownerbot.js')], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let text = '';
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', () => resolve(text));
    });
    expect(stderr).toContain('ownerbot survey send [--quarter 2026Q4] [--dry-run]');
    expect(stderr).toContain('ownerbot survey status [--quarter 2026Q4]');
    expect(stderr).toContain('ownerbot survey import FILE.json');
    expect(stderr).toContain('ownerbot announce [--building B]');
  });
});
