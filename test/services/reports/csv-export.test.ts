import { createFakeClock } from '../../../services/clock';
import { ownerModels } from '../../../services/owners/owner-model';
import { casesCsv, csvCell, surveysCsv } from '../../../services/reports/csv-export';
import { surveyModels } from '../../../services/surveys/survey-model';
import { useTestDatabase } from '../../support/database';
import { MINUTE, alice, ticketSetup } from '../tickets/ticket-fixtures';

const database = useTestDatabase();

async function collect(chunks: AsyncGenerator<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

describe('CSV exports', () => {
  it('when a cell begins with = + - @ or a tab, then it is prefixed with an apostrophe; separators and quotes are quoted', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('plain 文字')).toBe('plain 文字');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  describe('with a case and a survey answer stored', () => {
    const clock = createFakeClock('2026-11-22T02:00:00Z');
    let ownerId = '';
    beforeAll(async () => {
      const connection = database().connection;
      const owner = await ownerModels(connection).owners.create({
        householdKey: '3/1502/13800001234',
        name: '=cmd|calc',
        building: '3',
        unit: '1502',
        room: '1502',
        phone: '13800001234',
        phoneLast4: '1234',
        language: 'zh',
        verified: true,
        source: 'import',
        createdAt: new Date('2025-01-01T00:00:00Z'),
        updatedAt: new Date('2025-01-01T00:00:00Z'),
      });
      ownerId = String(owner._id);
      const { tickets, open } = ticketSetup(connection, { clock });
      const { ticket } = await open({
        kind: 'complaint',
        intent: 'dissatisfaction',
        category: 'service_attitude',
        ownerId,
        building: '3',
        unit: '1502',
        text: 'rude, very rude',
      });
      clock.advance(40 * MINUTE);
      await tickets.claim(String(ticket._id), alice);
      await tickets.resolve(String(ticket._id), alice, 'apologised', {
        summary: {
          rootCause: '@rush hour',
          correctiveAction: 'Apology',
          preventiveAction: '+1 receptionist',
        },
      });
      await surveyModels(connection).Answers.create({
        _id: `quarterly:2026Q4:${ownerId}:comment`,
        responseId: `quarterly:2026Q4:${ownerId}`,
        campaignId: 'quarterly:2026Q4',
        quarter: '2026Q4',
        ownerId,
        building: '3',
        questionId: 'comment',
        dimension: '',
        measure: 'comment',
        score: null,
        text: '=1+1',
        at: new Date('2026-10-12T00:00:00Z'),
      });
    });

    it('when cases are exported, then there is one row per case with masked phone, SLA outcomes and summary, every formula defused', async () => {
      const csv = await collect(casesCsv({ connection: database().connection, clock, withPhones: false }));
      const [header, row, ...rest] = csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(rest).toEqual([]);
      expect(header?.split(',')).toEqual(
        expect.arrayContaining([
          'reference',
          'owner_phone',
          'staff_owner',
          'response_sla',
          'resolution_sla',
          'root_cause',
        ]),
      );
      expect(row).toContain(`,${ownerId},'=cmd|calc,*******1234,no,Alice,`);
      expect(row).toContain(',40,40,Breached,Met,0,');
      expect(row).toMatch(/^CP-\d{4}-\d{4},Complaint,Dissatisfaction,Service attitude,Resolved,3,1502,/);
      expect(row).toContain(",'@rush hour,Apology,'+1 receptionist,");
      expect(row).toContain('"rude, very rude"');
      expect(csv).not.toContain('13800001234');
    });

    it('when an admin asks for phones, then the full number is written; surveys give one row per answer', async () => {
      const csv = await collect(casesCsv({ connection: database().connection, clock, withPhones: true }));
      expect(csv).toContain(',13800001234,');
      const surveys = await collect(
        surveysCsv({ connection: database().connection, clock, withPhones: false, language: 'zh' }),
      );
      const lines = surveys
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toMatch(/^季度,调查批次/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe(
        `2026Q4,quarterly:2026Q4,quarterly:2026Q4:${ownerId},${ownerId},'=cmd|calc,*******1234,否,3,comment,,comment,,'=1+1,2026-10-12T08:00:00+08:00`,
      );
    });

    it('when cases are exported in Chinese, then values are labels, not codes, and times are on the BOT_TIMEZONE clock', async () => {
      const csv = await collect(
        casesCsv({
          connection: database().connection,
          clock,
          withPhones: false,
          language: 'zh',
          timeZone: 'Asia/Shanghai',
        }),
      );
      const [header, row] = csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(header).toMatch(/^编号,类型,意图,类别,状态,楼栋,房号,/);
      expect(row).toMatch(/^CP-\d{4}-\d{4},投诉,不满投诉,服务态度,已处理,3,1502,/);
      expect(row).toContain(',否,Alice,');
      expect(row).toContain(',40,40,超时,达标,0,');
      expect(row).toMatch(/,2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00,/);
    });
  });
});
