import { detectEmergency, findDangerWords, type EmergencyKind } from '../../nlp/emergency';

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

const newKinds: Array<[string, EmergencyKind]> = [
  ['有人在小区里打架，快来人！', 'violence'],
  ['a man with a knife is shouting at people in the lobby', 'violence'],
  ['he said he is going to kill me, he is outside my door', 'violence'],
  ['My dad fell in the hallway and is not getting up', 'medical'],
  ['my mum fell and isn’t getting up', 'medical'],
  ['奶奶摔倒了，头一直在流血', 'medical'],
  ['a little girl is locked in a car in the sun by block 9', 'locked_in_car'],
  ['车里锁着个孩子，一直在哭', 'locked_in_car'],
  ['整栋楼都黑了', 'outage'],
  ['the entire building has no water and my mother is bedridden', 'outage'],
];

const traditionalAndCantonese: Array<[string, EmergencyKind]> = [
  ['樓下好像著火了，好多煙！', 'fire'],
  ['廚房瓦斯外洩，味道很濃', 'gas'],
  ['電梯停在兩層中間，我被困在裡面', 'lift_entrapment'],
  ['啲煙好大，係咪火燭呀，快啲嚟', 'fire'],
  ['水喉爆咗，成屋都係水', 'flood'],
  ['部𨋢壞咗，有個阿婆困咗喺入面', 'lift_entrapment'],
  ['有班人喺停車場打交', 'violence'],
  ['成棟樓冇晒電', 'outage'],
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
  'we will fight this fee increase at the next meeting',
  'my kids keep fighting over the remote lol',
  'the barrier keeps hitting my car and nobody fixes it',
  'the lift shakes so much it is going to kill someone one day',
  'can I leave my dog in the car for five minutes?',
  'is the whole building getting a power cut tomorrow?',
  '明天整栋楼停电检修吗？',
  '楼上两口子天天吵架',
  '我要打人工客服电话',
  '煙霧偵測器一直嗶嗶叫，應該是沒電了',
  '聽日嘅消防演習幾點開始？',
  'water dripped from the AC onto my balcony',
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

  it.each(newKinds)('when a new kind of emergency "%s", then %s', (text, kind) => {
    expect(detectEmergency(text)?.kind).toBe(kind);
  });

  it.each(traditionalAndCantonese)('when written in Traditional or Cantonese "%s", then %s', (text, kind) => {
    expect(detectEmergency(text)?.kind).toBe(kind);
  });

  it.each(mentions)('when a hazard is only mentioned ("%s"), then no emergency', (text) => {
    expect(detectEmergency(text)).toBeUndefined();
  });

  it('when it fires, then the evidence is the words of the message as written', () => {
    expect(detectEmergency('Help, smoek is coming out of the socket!')).toEqual({
      kind: 'electrical',
      evidence: expect.stringContaining('smoek'),
      source: 'rules',
    });
    expect(detectEmergency('我被困在电悌里了')?.evidence).toBe('被困在电悌');
  });

  it('when the message is empty or huge, then it answers without throwing', () => {
    expect(detectEmergency('')).toBeUndefined();
    expect(detectEmergency(`${'hello '.repeat(2000)} there is a fire in the lobby`)?.kind).toBe('fire');
  });
});

describe('findDangerWords', () => {
  it.each([
    ['what should I do if I smell gas at night?', 'smell gas'],
    ['邻居家好像有点烟味，不知道是不是做饭', '烟'],
    ['樓梯間有煙', '烟'],
    ['the kids next door are always fighting in the corridor', 'fighting'],
    ['楼下有人打架吗？好像听到了', '打架'],
  ])('when "%s" names a danger, then "%s" is among its danger words', (text, word) => {
    expect(findDangerWords(text).words).toContain(word);
  });

  it.each([
    'the gas bill is wrong',
    'When is the next fire drill?',
    '燃气公司电话多少',
    '消防演练什么时候',
    '周末一起吃火锅吗',
    '打不着火，热水器坏了',
    '走廊里能抽烟吗',
    'my kids keep fighting over the remote',
  ])('when "%s" only names a topic, then no danger word', (text) => {
    expect(findDangerWords(text).words).toEqual([]);
  });

  it('when danger words are found, then the first one names the kind', () => {
    expect(findDangerWords('is that smoke or steam from the vent?').kind).toBe('fire');
    expect(findDangerWords('hello').kind).toBeUndefined();
  });
});
