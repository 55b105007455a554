import { createCaseDesk, explainRefusal } from '../../../bots/core/case-desk';
import { recordingOutbox } from '../../../bots/core/cases';
import { MissingFieldsError } from '../../../services/tickets/ticket-service';
import { createCoreHarness } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';
import { rejection } from '../../services/tickets/ticket-fixtures';

const database = useTestDatabase();
const alice = { id: 'U_ALICE', name: 'Alice' };
const bob = { id: 'U_BOB', name: 'Bob' };

function deskOn(h: ReturnType<typeof createCoreHarness>, corrections: unknown[] = []) {
  return createCaseDesk({
    tickets: h.tickets,
    outbox: recordingOutbox(h.outbox, h.tickets, h.logger),
    recordCorrection: async (correction) => void corrections.push(correction),
  });
}

async function openCase(h: ReturnType<typeof createCoreHarness>, text: string, from: string) {
  await h.send(text, { from });
  const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
  return { id: String(ticket!._id), reference: ticket!.reference };
}

describe('case desk: staff actions reach the owner', () => {
  it('when staff claim, reply, resolve and correct a case, then the owner hears each step in their language and the correction is stored', async () => {
    const h = createCoreHarness(database().connection);
    const corrections: unknown[] = [];
    const desk = deskOn(h, corrections);
    const { id, reference } = await openCase(h, '厨房水槽堵了，麻烦派人来疏通', 'zh-owner');

    await desk.claim(id, alice, { actionId: 'form-1' });
    await desk.claim(id, alice, { actionId: 'form-1' }); // the same form again: no second notice
    await desk.reply(id, alice, '师傅下午3点上门', 'slack:1700000000.0001');
    await desk.reply(id, alice, '师傅下午3点上门', 'slack:1700000000.0001');
    await desk.resolve(id, alice, { result: '已疏通下水弯管' }, { actionId: 'form-2' });
    await desk.resolve(id, alice, { result: '已疏通下水弯管' }, { actionId: 'form-2' });
    await desk.correct(id, alice, { intent: 'help_seeking', category: 'equipment' });

    const replies = await h.replies('zh-owner');
    expect(replies.slice(1)).toEqual([
      `您的工单 ${reference} 已由 Alice 负责处理，有进展会及时告诉您。`,
      `【${reference}】Alice：师傅下午3点上门`,
      `您的工单 ${reference} 已处理完成：已疏通下水弯管\n如问题仍未解决，直接回复告诉我们即可。`,
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
    expect(stored.messages.map((m) => `${m.from}:${m.byName ?? ''}`)).toEqual([
      'owner:',
      'bot:', // the case's opening reply
      'bot:', // Alice holds it
      'staff:Alice',
      'bot:', // resolved
    ]);
  });

  it('when someone who does not hold the case replies, or nobody claimed it yet, then the reply is refused and the owner hears nothing', async () => {
    const h = createCoreHarness(database().connection);
    const desk = deskOn(h);
    const { id, reference } = await openCase(
      h,
      'The hallway light on floor 6 is broken, please fix it',
      'en-owner',
    );

    const early = await rejection(desk.reply(id, alice, 'On our way', 'desk:a1'));
    expect(early.code).toBe('not_held');
    await desk.claim(id, alice);
    const stranger = await rejection(desk.reply(id, bob, 'Bob here', 'desk:b1'));
    expect(stranger.code).toBe('not_owner');
    expect(explainRefusal(stranger, await h.tickets.get(id), 'en')).toBe(
      `Case ${reference} belongs to Alice (first-inquiry responsibility); ask them to hand it over.`,
    );
    await desk.reply(id, { ...bob, supervisor: true }, 'A supervisor adds: tomorrow 9am', 'desk:s1');
    expect((await h.replies('en-owner')).slice(2)).toEqual([
      `[${reference}] Bob: A supervisor adds: tomorrow 9am`,
    ]);
  });

  it('when a work order is resolved without a result or a complaint without its summary, then every empty field is named and nothing changes', async () => {
    const h = createCoreHarness(database().connection);
    const desk = deskOn(h);
    const repair = await openCase(h, 'The hallway light on floor 6 is broken, please fix it', 'wo-owner');
    const complaint = await openCase(
      h,
      'Your receptionist was extremely rude to me today, unacceptable',
      'cp-owner',
    );

    const empty = await rejection(desk.resolve(repair.id, alice, { result: '  ' }));
    expect(empty).toBeInstanceOf(MissingFieldsError);
    expect((empty as MissingFieldsError).fields).toEqual(['result']);
    const noCause = await rejection(
      desk.resolve(complaint.id, alice, { result: 'Apologised', summary: { correctiveAction: 'Apology' } }),
    );
    expect((noCause as MissingFieldsError).fields).toEqual(['rootCause', 'preventiveAction']);
    expect((await h.tickets.get(repair.id)).status).toBe('new');
    expect((await h.tickets.get(complaint.id)).status).toBe('new');
  });

  it('when an unclaimed case is resolved or handed over, then whoever did it claimed it first', async () => {
    const h = createCoreHarness(database().connection);
    const desk = deskOn(h);
    const first = await openCase(h, 'The hallway light on floor 6 is broken, please fix it', 'take-1');
    const second = await openCase(
      h,
      'The kitchen sink in 5-1203 is blocked, please send a plumber',
      'take-2',
    );

    await desk.resolve(first.id, alice, { result: 'Bulb replaced' });
    await desk.offerHandover(second.id, alice, bob);
    expect(await h.tickets.get(first.id)).toMatchObject({ status: 'resolved', assignee: alice.id });
    expect(await h.tickets.get(second.id)).toMatchObject({
      status: 'claimed',
      assignee: alice.id,
      pendingHandover: { to: bob.id },
    });
    await desk.acceptHandover(second.id, bob);
    expect((await h.replies('take-2')).at(-1)).toBe(
      `Your case ${second.reference} is now with Bob, who will keep you posted.`,
    );
  });
});
