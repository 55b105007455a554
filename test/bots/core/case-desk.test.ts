import { createCaseDesk } from '../../../bots/core/case-desk';
import { createCoreHarness } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
const alice = { id: 'U_ALICE', name: 'Alice' };

describe('case desk: staff actions reach the owner', () => {
  it('when staff claim, reply, resolve and correct a case, then the owner hears each step in their language and the correction is stored', async () => {
    const h = createCoreHarness(database().connection);
    const corrections: unknown[] = [];
    const desk = createCaseDesk({
      tickets: h.tickets,
      outbox: h.outbox,
      recordCorrection: async (correction) => void corrections.push(correction),
    });
    await h.send('厨房水槽堵了，麻烦派人来疏通', { from: 'zh-owner' });
    const [ticket] = await h.tickets.listOpen('telegram:zh-owner');
    const id = String(ticket!._id);

    await desk.claim(id, alice);
    await desk.claim(id, alice).catch(() => undefined); // a retried click: no second notice
    await desk.reply(id, alice, '师傅下午3点上门', 'slack:1700000000.0001');
    await desk.reply(id, alice, '师傅下午3点上门', 'slack:1700000000.0001');
    await desk.resolve(id, alice, 'cleared the trap');
    await desk.correct(id, alice, { intent: 'help_seeking', category: 'equipment' });

    const replies = await h.replies('zh-owner');
    expect(replies.slice(1)).toEqual([
      `您的工单 ${ticket!.reference} 已由 Alice 负责处理，有进展会及时告诉您。`,
      `【${ticket!.reference}】Alice：师傅下午3点上门`,
      `您的工单 ${ticket!.reference} 已处理完成。如问题仍未解决，直接回复告诉我们即可。`,
    ]);
    expect(corrections).toEqual([
      {
        text: '厨房水槽堵了，麻烦派人来疏通',
        intent: 'help_seeking',
        category: 'equipment',
        staffId: 'U_ALICE',
        caseId: id,
      },
    ]);
    const stored = await h.tickets.get(id);
    expect(stored.messages.map((m) => m.from)).toEqual(['owner', 'staff']);
  });
});
