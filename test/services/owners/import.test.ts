import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFakeClock } from '../../../services/clock';
import { runOwnersImport } from '../../../services/owners/import-command';
import { ownerModels } from '../../../services/owners/owner-model';
import { createOwnerService } from '../../../services/owners/owner-service';
import { useTestDatabase } from '../../support/database';
import { captureOutput } from '../../support/output';

const database = useTestDatabase();

describe('importCsv', () => {
  it('when the file has good rows, then each becomes a verified owner with a normalized unit and phone', async () => {
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });

    const report = await service.importCsv(
      [
        'name,building,unit,phone,language',
        '张伟,5号楼,2单元1203,+86 138 0013 8000,zh',
        'Alice Smith,Building 8,1501,13900001111,EN',
        '王芳,A座,302,021-62345678,',
      ].join('\n'),
    );

    expect(report).toEqual({ accepted: 3, updated: 0, rejected: [] });
    const { owners: Owners } = ownerModels(database().connection);
    const zhang = await Owners.findOne({ name: '张伟' }).lean();
    expect(zhang).toMatchObject({
      householdKey: '5/2-1203/13800138000',
      building: '5',
      unit: '2-1203',
      entrance: '2',
      room: '1203',
      phone: '13800138000',
      phoneLast4: '8000',
      language: 'zh',
      verified: true,
      demo: false,
      source: 'import',
      createdAt: clock.now(),
    });
    expect(await Owners.findOne({ name: 'Alice Smith' }).lean()).toMatchObject({
      building: '8',
      language: 'en',
    });
    expect(await Owners.findOne({ name: '王芳' }).lean()).toMatchObject({
      building: 'A',
      unit: '302',
      phone: '02162345678',
      language: 'zh',
    });
  });

  it('when rows are bad, then each is rejected with its line and every reason, and the good rows still go in', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });

    const report = await service.importCsv(
      [
        'name,building,unit,phone,language',
        ',6,101,13500000001,zh',
        'Bob,6,101,12345,zh',
        'Carol,6,102,13500000003,fr',
        'Dave,6,,13500000004,zh',
        'Erin,6,103,13500000005,zh',
        'Erin again,6,103,135-0000-0005,en',
        'Smith, John,6,104,13500000006,en',
        'Frank,6,105,1.35E+10,zh',
        'Grace,6,6栋105,13500000007,zh',
        ',,,,',
      ].join('\n'),
    );

    expect(report.accepted).toBe(1);
    expect(report.rejected).toEqual([
      { line: 2, reason: 'name is missing' },
      { line: 3, reason: 'phone must have 7 to 15 digits' },
      { line: 4, reason: 'language must be zh or en, got "fr"' },
      { line: 5, reason: 'unit is missing' },
      { line: 7, reason: 'duplicate of line 6 (same building, unit and phone)' },
      {
        line: 8,
        reason: 'has 6 fields but the header has 5 (put a value containing a comma in double quotes)',
      },
      { line: 9, reason: expect.stringContaining('format the column as text') },
      { line: 10, reason: expect.stringContaining('building/unit not understood: "6 6栋105"') },
      { line: 11, reason: 'name is missing; building is missing; unit is missing; phone is missing' },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/1350000000\d/);
  });

  it('when fields are quoted, the file has a BOM and CRLF line ends, then values come through whole', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });

    const report = await service.importCsv(
      '\uFEFFname,building,unit,phone,language\r\n' +
        '"Smith, John ""Jack""",7,"2-1203"," 13600000001 ",en\r\n' +
        '\r\n' +
        '"陈 静",7,"1-1203",13600000002,zh\r\n',
    );

    expect(report).toEqual({ accepted: 2, updated: 0, rejected: [] });
    const { owners: Owners } = ownerModels(database().connection);
    expect(await Owners.findOne({ householdKey: '7/2-1203/13600000001' }).lean()).toMatchObject({
      name: 'Smith, John "Jack"',
    });
    expect(await Owners.countDocuments({ building: '7' })).toBe(2);
  });

  it('when the same file is imported twice, then the second run updates the same owners instead of adding', async () => {
    const clock = createFakeClock();
    const service = createOwnerService({ connection: database().connection, clock });
    const file =
      'name,building,unit,phone,language\nHe Lei,12,801,13700000001,zh\nIvy,12,802,13700000002,en\n';
    await service.importCsv(file);
    clock.advance(60_000);

    const again = await service.importCsv(
      file.replace('He Lei', '何磊').replace('802,13700000002,en', '802,13700000002,zh'),
    );

    expect(again).toEqual({ accepted: 0, updated: 2, rejected: [] });
    const { owners: Owners } = ownerModels(database().connection);
    expect(await Owners.countDocuments({ building: '12' })).toBe(2);
    expect(await Owners.findOne({ householdKey: '12/801/13700000001' }).lean()).toMatchObject({
      name: '何磊',
      updatedAt: clock.now(),
    });
    expect(await Owners.findOne({ householdKey: '12/802/13700000002' }).lean()).toMatchObject({
      language: 'zh',
    });
  });

  it('when the same file is imported twice at once, then each owner still exists once', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });
    const file =
      'name,building,unit,phone,language\nJack,14,101,13700000011,zh\nKate,14,102,13700000012,en\n';

    const reports = await Promise.all([service.importCsv(file), service.importCsv(file)]);

    expect(reports.map((report) => report.accepted + report.updated)).toEqual([2, 2]);
    const { owners: Owners } = ownerModels(database().connection);
    expect(await Owners.countDocuments({ building: '14' })).toBe(2);
  });

  it('when the header is missing a column or the file is empty, then nothing is imported and line 1 says why', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });

    expect(await service.importCsv('name,building,phone\nX,15,13700000099')).toEqual({
      accepted: 0,
      updated: 0,
      rejected: [{ line: 1, reason: 'the header lacks unit; expected name,building,unit,phone,language' }],
    });
    expect((await service.importCsv('\uFEFF\r\n')).rejected).toEqual([
      { line: 1, reason: 'the file is empty; expected the header name,building,unit,phone,language' },
    ]);
  });

  it('when the header is in Chinese and in another order, then the columns are still found', async () => {
    const service = createOwnerService({ connection: database().connection, clock: createFakeClock() });

    const report = await service.importCsv('手机号,姓名,楼栋,房号\n13700000021,林静,16,101');

    expect(report).toEqual({ accepted: 1, updated: 0, rejected: [] });
  });
});

describe('runOwnersImport', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ownerbot-owners-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('when the file has good and bad rows, then the report lists counts and each rejected line, exit code 65', async () => {
    const file = path.join(directory, 'owners.csv');
    fs.writeFileSync(file, 'name,building,unit,phone,language\nLiu,20,101,13700000031,zh\nMa,20,102,12,zh\n');
    const printed = captureOutput();

    const code = await runOwnersImport({ file, connection: database().connection, out: printed.out });

    expect(code).toBe(65);
    expect(printed.text()).toBe(
      [
        `Owners imported from ${file}`,
        '  new:      1',
        '  updated:  0',
        '  rejected: 1',
        '    line 3: phone must have 7 to 15 digits',
        '',
      ].join('\n'),
    );
  });

  it('when the file was saved by a Chinese Excel (GB18030), then names arrive intact and the report says how it was read', async () => {
    const file = path.join(directory, 'excel.csv');
    // "name,building,unit,phone,language\n张三,21,101,13700000041,zh\n" in GB18030: 张 = D5C5, 三 = C8FD.
    const bytes = Buffer.concat([
      Buffer.from('name,building,unit,phone,language\n'),
      Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
      Buffer.from(',21,101,13700000041,zh\n'),
    ]);
    fs.writeFileSync(file, bytes);
    const printed = captureOutput();

    const code = await runOwnersImport({ file, connection: database().connection, out: printed.out });

    expect(code).toBe(0);
    expect(printed.text()).toContain('(read as gb18030)');
    const { owners: Owners } = ownerModels(database().connection);
    expect(await Owners.findOne({ householdKey: '21/101/13700000041' }).lean()).toMatchObject({
      name: '张三',
    });
  });

  it('when the file does not exist, then one clear line says so and the exit code is 66', async () => {
    const printed = captureOutput();
    const errors = captureOutput();
    const file = path.join(directory, 'missing.csv');

    const code = await runOwnersImport({
      file,
      connection: database().connection,
      out: printed.out,
      errors: errors.out,
    });

    expect(code).toBe(66);
    expect(errors.text()).toBe(`owners import: cannot read ${file}: no such file\n`);
    expect(printed.text()).toBe('');
  });

  it('when the path is a directory, then it says so instead of a stack trace', async () => {
    const printed = captureOutput();

    const code = await runOwnersImport({
      file: directory,
      connection: database().connection,
      out: printed.out,
    });

    expect(code).toBe(66);
    expect(printed.text()).toBe(`owners import: cannot read ${directory}: it is a directory, not a file\n`);
  });
});
