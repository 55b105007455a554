import { detectEmergency, type EmergencyKind } from '../../nlp/emergency';

const emergencies: Array<[string, EmergencyKind]> = [
  ['There is smoke coming out of the flat next door!', 'fire'],
  ['FIRE in the bin room of building 3', 'fire'],
  ['Kitchen on fire, come quickly', 'fire'],
  ['楼道里冒烟了，快来人', 'fire'],
  ['厨房着火了！', 'fire'],
  ['I smell gas in the kitchen, who do I call?', 'gas'],
  ['strong gas smell in stairwell B', 'gas'],
  ['燃气泄漏了怎么办', 'gas'],
  ['Can someone come? Water is pouring through my ceiling', 'flood'],
  ['a pipe burst in the basement and it is flooding', 'flood'],
  ['水管爆了，家里到处都是水', 'flood'],
  ['We are trapped in the lift, please help', 'lift_entrapment'],
  ['有人被困电梯，快来', 'lift_entrapment'],
  ['电梯里有人出不来了', 'lift_entrapment'],
  ['the socket in my bedroom is sparking', 'electrical'],
  ['插座冒火花了', 'electrical'],
  ['an old man collapsed in the lobby and is not breathing', 'medical'],
  ['楼下有个老人晕倒了', 'medical'],
];

const misspelt: Array<[string, EmergencyKind]> = [
  ['smoek everywhere in the corridor', 'fire'],
  ['my mom is stuck in the elevater between floors', 'lift_entrapment'],
  ['there is a gass leak in unit 502', 'gas'],
  ['the basement is flodding', 'flood'],
  ['我被困在电悌里了', 'lift_entrapment'],
  ['我闻到很大的煤汽味', 'gas'],
  ['我爸晕到了，叫救护车', 'medical'],
];

const plainRequests: Array<[string, EmergencyKind]> = [
  ['Could you send maintenance to 5-1203? Water is gushing from under the sink', 'flood'],
  ['Please send someone to room 802, my father fainted', 'medical'],
  ['Could somebody check the electrical panel in the garage, it is smoking', 'electrical'],
  ['麻烦派人来一下，我家燃气管漏气了', 'gas'],
  ['能不能快点来人！水都漫到客厅门口了', 'flood'],
];

const mentions = [
  'How do I book the fire-safety training?',
  'the gas bill is wrong',
  'Who do I call if I smell gas?',
  "last week's flood was handled badly",
  'When is the next fire drill?',
  'the fire extinguisher on floor 3 has expired',
  'What should I do in case of fire?',
  'The lift is broken again',
  'The fire door is stuck',
  'My neighbour smokes on his balcony',
  'the floor is wet after cleaning',
  'the ceiling is leaking a little',
  'no gas smell any more, thanks for coming',
  '消防培训在哪里报名？',
  '燃气费怎么交',
  '如果闻到煤气味应该打什么电话？',
  '上周的水灾处理得太差了',
  '电梯又坏了',
  '卫生间有点漏水',
  '虽然气味不大但是很烦',
];

describe('detectEmergency', () => {
  it.each(emergencies)('when "%s", then %s', (text, kind) => {
    expect(detectEmergency(text)?.kind).toBe(kind);
  });

  it.each(misspelt)('when misspelt "%s", then still %s', (text, kind) => {
    expect(detectEmergency(text)?.kind).toBe(kind);
  });

  it.each(plainRequests)('when written as a plain request "%s", then %s', (text, kind) => {
    expect(detectEmergency(text)?.kind).toBe(kind);
  });

  it.each(mentions)('when a hazard is only mentioned ("%s"), then no emergency', (text) => {
    expect(detectEmergency(text)).toBeUndefined();
  });

  it('when it fires, then the evidence is the words of the message as written', () => {
    expect(detectEmergency('Help, smoek is coming out of the socket!')).toEqual({
      kind: 'electrical',
      evidence: expect.stringContaining('smoek'),
    });
    expect(detectEmergency('我被困在电悌里了')?.evidence).toBe('被困在电悌');
  });

  it('when the message is empty or huge, then it answers without throwing', () => {
    expect(detectEmergency('')).toBeUndefined();
    expect(detectEmergency(`${'hello '.repeat(2000)} there is a fire in the lobby`)?.kind).toBe('fire');
  });
});
