import { createCoreHarness, STAFF_ADDRESS } from '../../support/core-harness';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();
let owner = 0;
/** Each test talks as a new owner, so conversations never mix. */
const nextOwner = () => `owner-${++owner}-${Date.now()}`;

describe('dialog scenarios (real engine, real classifier)', () => {
  const harness = () => createCoreHarness(database().connection);

  it('when an owner reports a fault, then a work order opens and the reply quotes its reference and response time', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('The kitchen sink in 5-1203 is blocked, please send a plumber', { from });
    const [reply] = await h.replies(from);
    expect(reply).toMatch(/We have received your repair request \(case WO-\d{4}-\d{4}\)/);
    expect(reply).toContain('within 2 hours');
    const [escalation] = await h
      .queued({ staff: true })
      .then((all) => all.filter((e) => e.message.text.includes(reply!.match(/WO-\d{4}-\d{4}/)![0])));
    expect(escalation?.address).toEqual(STAFF_ADDRESS);
  });

  it('when an owner asks a question the FAQ knows, then the answer comes at once and no case opens', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('物业费怎么交？', { from, channel: 'wechat' });
    const replies = await h.replies(from);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('公众号');
    expect(await h.tickets.listOpen(`wechat:${from}`)).toEqual([]);
  });

  it('when a question is not in the FAQ, then it becomes a consulting case for staff', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('Can I keep bees on my rooftop terrace?', { from });
    const [reply] = await h.replies(from);
    expect(reply).toMatch(/passed to our staff \(case CS-\d{4}-\d{4}\)/);
  });

  it('when an owner complains, then a complaint opens, the bot apologises without arguing and escalates at once', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('Your receptionist was extremely rude to me today, unacceptable', { from });
    const [reply] = await h.replies(from);
    expect(reply).toMatch(/^We are sorry for this experience\. Your complaint is recorded \(case CP-/);
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    expect(ticket).toMatchObject({ kind: 'complaint', priority: 'high', category: 'service_attitude' });
    const staff = await h.queued({ staff: true });
    expect(staff.some((e) => e.message.text.includes(ticket!.reference) && e.purpose === 'escalation')).toBe(
      true,
    );
  });

  it('when an owner reports an emergency, then it escalates as urgent and the owner gets the emergency number and safety advice', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('厨房着火了', { from });
    const [reply] = await h.replies(from);
    expect(reply).toContain('已按紧急情况处理');
    expect(reply).toContain('119');
    expect(reply).toContain('0571-8000-0110');
    expect(reply).toContain('湿毛巾');
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    expect(ticket).toMatchObject({
      kind: 'emergency',
      priority: 'urgent',
      emergencyKind: 'fire',
      verified: false,
    });
    const staff = await h.queued({ staff: true });
    expect(staff.find((e) => e.message.text.includes(ticket!.reference))?.message.text).toMatch(/^🚨/);
  });

  it('when an owner is in the middle of binding, then an emergency still goes through at once', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('bind', { from });
    await h.send('There is smoke coming out of the flat next door!', { from });
    const replies = await h.replies(from);
    expect(replies.at(-1)).toContain('handled as an emergency');
  });

  it('when the bot is unsure, then it asks one clarifying question with choices and acts on the answer', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('something about the pipes', { from });
    const [question] = await h.queued({ from });
    expect(question?.message.text).toContain('Sorry, I did not quite understand');
    expect(question?.message.buttons?.map((b) => b.action)).toEqual([
      'clarify:help_seeking',
      'clarify:consulting',
      'clarify:dissatisfaction',
    ]);
    await h.send('1', { from });
    expect((await h.replies(from)).at(-1)).toMatch(/repair request \(case WO-/);
  });

  it('when the answer to the clarifying question is still unclear, then a person takes over', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('something about the pipes', { from });
    await h.send('asdf qwer', { from });
    expect((await h.replies(from)).at(-1)).toMatch(/passed this to a staff member \(case CS-/);
  });

  it('when the owner writes again soon after about the same problem, then the follow-up attaches to the open case, each with a reply', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('The kitchen sink in 5-1203 is blocked, please send a plumber', { from });
    h.clock.advance(60_000);
    await h.send('The water is also coming back up from the drain in the bathroom', { from });
    await h.send('The pipe under the sink is the one leaking', { from });
    const open = await h.tickets.listOpen(`telegram:${from}`);
    expect(open).toHaveLength(1);
    expect(open[0]?.messages.filter((m) => m.from === 'owner')).toHaveLength(3);
    const replies = await h.replies(from);
    expect(replies).toHaveLength(3); // every message is answered
    expect(replies.slice(1)).toEqual([
      expect.stringMatching(/Added to your case WO-/),
      expect.stringMatching(/Added to your case WO-/),
    ]);
  });

  it('when staff hold the case, then what the owner adds is relayed to them, and a general question is still answered', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('The kitchen sink in 5-1203 is blocked, please send a plumber', { from });
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    await h.tickets.claim(String(ticket!._id), { id: 'U_ALICE', name: 'Alice' });
    await h.send('How much will the repair cost?', { from });
    await h.send('I am home after 6pm', { from });
    const replies = await h.replies(from);
    expect(replies.slice(1)).toEqual([
      expect.stringContaining('Repairs in shared areas are free'),
      `Passed on to the staff member handling your case ${ticket!.reference}.`,
    ]);
    const relayed = (await h.queued({ staff: true })).filter((e) => e.key.startsWith('relay:'));
    expect(relayed.map((e) => e.message.text)).toEqual([expect.stringContaining('I am home after 6pm')]);
  });

  it('when staff hold a complaint and the owner chases it, then the chase goes to them and no second complaint opens', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('Your receptionist was extremely rude to me today', { from });
    const [complaint] = await h.tickets.listOpen(`telegram:${from}`);
    await h.tickets.claim(String(complaint!._id), { id: 'U_ALICE', name: 'Alice' });
    await h.send('Still waiting', { from });
    await h.send('还在等，怎么还没人回复', { from });
    expect(await h.tickets.listOpen(`telegram:${from}`)).toHaveLength(1);
    const relayed = (await h.queued({ staff: true })).filter(
      (e) => e.key.startsWith('relay:') && e.caseId === String(complaint!._id),
    );
    expect(relayed.map((e) => e.message.text)).toEqual([
      expect.stringContaining('Still waiting'),
      expect.stringContaining('还在等'),
    ]);
    expect((await h.replies(from)).at(-1)).toContain(complaint!.reference);
  });

  it('when a suggestion arrives, then it is recorded and thanked', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('I suggest adding more benches by the lake', { from });
    expect((await h.replies(from))[0]).toMatch(/Thank you for the suggestion! It is recorded \(case SG-/);
  });

  it('when an owner asks for the menu, their cases or the other language, then the commands answer', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('menu', { from });
    const [menu] = await h.queued({ from });
    expect(menu?.message.buttons?.map((b) => b.action)).toEqual([
      'menu:repair',
      'menu:question',
      'menu:complaint',
      'menu:cases',
      'menu:language',
    ]);
    await h.send('The kitchen sink in 5-1203 is blocked, please send a plumber', { from });
    await h.send('', { from, action: 'menu:cases' });
    expect((await h.replies(from)).at(-1)).toMatch(/Where your cases stand:\nWO-\d{4}-\d{4} \(received\)/);
    await h.send('中文', { from });
    expect((await h.replies(from)).at(-1)).toBe('好的，之后我会用中文回复您。');
  });

  it('when the same message is delivered three times at once, then one stored message, one case and one reply', async () => {
    const h = harness();
    const from = nextOwner();
    const inbound = h.message('The kitchen sink in 5-1203 is blocked, please send a plumber', {
      from,
      id: `dup-${from}`,
    });
    const results = await Promise.all([
      h.inbound.receive(inbound),
      h.inbound.receive(inbound),
      h.inbound.receive(inbound),
    ]);
    await h.inbound.idle();
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    expect(h.duplicates).toBe(2);
    expect(await h.tickets.listOpen(`telegram:${from}`)).toHaveLength(1);
    expect(await h.replies(from)).toHaveLength(1);
  });

  it('when an owner writes Traditional Chinese, then the reply comes in Traditional characters', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('廚房的水龍頭壞了，請派人來修理', { from });
    const [reply] = await h.replies(from);
    expect(reply).toMatch(/^已收到您的報修（編號 WO-\d{4}-\d{4}）/);
    expect(reply).toContain('工作人員');
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    expect(ticket?.messages[0]?.text).toBe('廚房的水龍頭壞了，請派人來修理');
  });

  it('when an owner asks for a person with no open case, then no case opens until they say what it is about', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('人工', { from, channel: 'wechat' });
    expect((await h.replies(from))[0]).toContain('马上为您转人工');
    expect(await h.tickets.listOpen(`wechat:${from}`)).toEqual([]);
    await h.send('我想问一下车位能不能转租给别人', { from, channel: 'wechat' });
    const [ticket] = await h.tickets.listOpen(`wechat:${from}`);
    expect(ticket).toMatchObject({ title: expect.stringContaining('车位能不能转租') });
    expect((await h.replies(from)).at(-1)).toMatch(/转给人工客服（编号 CS-\d{4}-\d{4}）/);
    const staff = await h.queued({ staff: true });
    expect(
      staff.some(
        (e) => e.message.text.includes(ticket!.reference) && e.message.text.includes('业主要求人工服务'),
      ),
    ).toBe(true);
  });

  it('when an owner with an open case asks for a person, then that case goes to staff and no other opens', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('The kitchen sink in 5-1203 is blocked, please send a plumber', { from });
    h.clock.advance(60 * 60_000);
    await h.send('can I talk to a real person please', { from });
    const open = await h.tickets.listOpen(`telegram:${from}`);
    expect(open).toHaveLength(1);
    expect((await h.replies(from)).at(-1)).toBe(
      `I have passed this to a staff member (case ${open[0]!.reference}); they will reply to you shortly.`,
    );
    const staff = await h.queued({ staff: true });
    expect(staff.filter((e) => e.message.text.includes(open[0]!.reference))).toHaveLength(2);
  });

  it('while the sample knowledge base is active, then an FAQ answer says it is sample content', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('How do I pay the property fee?', { from });
    const [reply] = await h.replies(from);
    expect(reply).toContain('WeChat Pay');
    expect(reply).toContain('sample content for a demonstration estate');
  });

  it('when a question names a danger, then a person answers it, not the FAQ', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('what number do I call if I smell gas in the night?', { from });
    expect((await h.replies(from))[0]).toMatch(/passed to our staff \(case CS-/);
  });

  it('when an owner reports a fight, then it is an emergency with the police number and advice', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('有人在小区里打架，快来人！', { from });
    const [reply] = await h.replies(from);
    expect(reply).toContain('已按紧急情况处理');
    expect(reply).toContain('110');
    expect(reply).toContain('远离冲突现场');
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    expect(ticket).toMatchObject({ kind: 'emergency', emergencyKind: 'violence', category: 'safety' });
  });

  it('when the emergency score is borderline and the rules are silent, then a person is alerted at once', async () => {
    const h = harness();
    const from = nextOwner();
    await h.send('and it smells bad too', { from });
    const [reply] = await h.replies(from);
    expect(reply).toMatch(/gone straight to the duty team \(case [A-Z]{2}-\d{4}-\d{4}\)/);
    const [ticket] = await h.tickets.listOpen(`telegram:${from}`);
    const escalation = (await h.queued({ staff: true })).find((e) =>
      e.message.text.includes(ticket!.reference),
    );
    expect(escalation?.message.text).toMatch(/^🚨 .*Possible emergency|^🚨 .*疑似紧急情况/s);
  });
});
