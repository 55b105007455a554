import type { EmergencyKind } from './kinds';

/** One pattern of a kind of emergency; run on the canonical text. */
export interface HazardRule {
  kind: EmergencyKind;
  pattern: RegExp;
}

/*
 * Hazards to the building and what is in it: lifts, electricity, gas, fire, water, outages.
 * People in danger (medical, violence, a child or pet locked in a car) are in hazards-people.ts.
 */

/** Up to three words in between ("smoke is coming out", "trapped inside the old lift"). */
export const GAP = String.raw`(?:\s+\S+){0,3}?\s+`;
export const PERSON = String.raw`(?:i|we|he|she|they|someone|somebody|people|person|man|woman|lady|guy|kids?|child(?:ren)?|baby|son|daughter|mom|mum|mother|dad|father|grand(?:ma|pa|mother|father)|wife|husband|neighbou?r|resident|worker|cleaner|guard|elderly|old (?:man|woman|lady)|my \w+|\d+ people)`;
export const LIFT = String.raw`(?:lift|elevator|elevators|lifts)`;

/** A hazard pattern, compiled for repeated global matching. */
export function rule(kind: EmergencyKind, source: string): HazardRule {
  return { kind, pattern: new RegExp(source, 'gu') };
}

/**
 * Ordered: the first kind whose pattern survives the guards wins, so more specific kinds
 * (a sparking socket is electrical, not fire; someone trapped in a lift is not "stuck") come first.
 */
export const PROPERTY_HAZARDS: readonly HazardRule[] = [
  // Lift entrapment: a person and a lift, with trapped/stuck between them.
  rule(
    'lift_entrapment',
    String.raw`\b(?:trapped|stuck|locked|shut|caught)${GAP}(?:in|inside|within)${GAP.replace('{0,3}', '{0,2}')}${LIFT}\b`,
  ),
  rule('lift_entrapment', String.raw`\b(?:trapped|stuck|locked)\s+in\s+${LIFT}\b`),
  rule('lift_entrapment', String.raw`\b${LIFT}\s+(?:is\s+)?stuck\b.{0,30}(?:\binside\b|有人|里面)`),
  rule(
    'lift_entrapment',
    String.raw`\b${PERSON}(?:\s+\S+){0,4}?\s+(?:is|are|am|got|been|was|were|get)?\s*(?:trapped|stuck|locked in)\b(?!\s+with\b).{0,40}\b${LIFT}\b`,
  ),
  rule(
    'lift_entrapment',
    String.raw`\b${LIFT}\b.{0,50}\b(?:${PERSON}|someone|people|anyone|somebody)\s+(?:is\s+|are\s+|am\s+|still\s+)*(?:trapped|stuck|inside|in it|in there)\b(?!\s+with\b)`,
  ),
  rule(
    'lift_entrapment',
    String.raw`\b(?:can not|unable to|could not)\s+get\s+out\s+of\s+(?:the\s+|this\s+|a\s+)?${LIFT}\b`,
  ),
  rule(
    'lift_entrapment',
    String.raw`\b${LIFT}\b.{0,40}\b(?:with|has)\s+(?:${PERSON}|people|someone|passengers?)\s+(?:inside|in it|trapped|stuck)`,
  ),
  rule(
    'lift_entrapment',
    String.raw`(?:困在|关在|卡在|被困在?|被关在|锁在)[^，。,.!?]{0,6}电梯|电梯[^，。,.!?]{0,8}(?:被困|困住|困人|关人|有人被?困|有人出不来|里有人(?!吐|抽烟|乱|尿|小便|拉|随地|昏|晕|倒|摔|流血|抽搐|打)|里面有人|人出不来|出不来)|困电梯|电梯困|电梯.{0,15}(?:里面有人|有人在里面|人在里面|困在里面|关在里面|我在里面|我们在里面|孩子在里面|老人在里面)|电梯[^。!?]{0,20}(?:卡住|停住|停了|坏了|掉|不动|打不开|开不了|stuck)[^。!?]{0,12}(?:里面?有(?:人|小孩|孩子|老人|宝宝|老太太)|在里面)`,
  ),

  // Electrical before fire: sparks and smoking sockets are electrical.
  rule('electrical', String.raw`\b(?:sparks?|sparking|sparked|arcing)\b`),
  rule(
    'electrical',
    String.raw`\b(?:water|leak\w*|dripping)\b.{0,30}\b(?:onto|into|on|over)\s+(?:the\s+|my\s+)?(?:electric(?:al)?\s+|power\s+)?(?:panel|socket|outlet|fuse\s?box|meter box|breaker|wiring|switchboard)\b`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:electrocuted|electric(?:al)?\s+shocks?|(?:got|get|getting)\s+(?:an?\s+)?(?:electric\s+)?shock(?:ed)?\s+(?:from|by|off|touching|when (?:i\s+)?touch\w*)|shocked\s+by\s+(?:the\s+|a\s+|my\s+)?(?:socket|outlet|switch|wire|wiring|cable|plug|light|lamp|appliance|panel|door handle|railing|metal|water heater|heater)|live\s+wires?|exposed\s+(?:live\s+)?wir(?:es?|ing))\b`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:socket|outlet|plug|switch|wires?|wiring|cables?|fuse\s?box|breaker\s+box|panel|meter\s+box|distribution\s+box|power\s+box)\b(?:\s+\S+){0,6}?\s+(?:smoking|smoke|burning|melting|melted|on fire|sizzling|buzzing and smoking)\b`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:smoke|burning smell|smell of burning|flames?)\b(?:\s+\S+){0,4}?\s+(?:from|out of)\s+(?:the\s+|a\s+|my\s+)?(?:socket|outlet|plug|switch|wires?|wiring|fuse\s?box|breaker|panel|meter box)\b`,
  ),
  rule(
    'electrical',
    String.raw`(?:冒火花|电火花|打火花|火花四溅|闪火花|冒火星|漏电|触电|电到人|被电到|被电了|电线[^，。,.]{0,4}(?:冒烟|着火|烧|起火|裸露|冒火|短路)|(?:插座|插头|开关|电箱|配电箱|电表箱|电闸|电线|电缆)[^，。,.]{0,4}(?:冒烟|着火|烧焦|烧起来|起火|冒火|炸了|爆了|熔化|发烫冒烟)|短路[^，。,.]{0,4}(?:冒烟|起火|着火)|(?:插座|插头|开关|电箱|电线|电闸)[^，。,.]{0,6}打火|漏[^，。,.]{0,4}(?:电箱|配电箱|电表箱|插座|电闸)上?)`,
  ),

  // Gas: a gas word with a leak or smell word, or the smell itself.
  rule(
    'gas',
    String.raw`\b(?:gas|natural gas|lpg)\b(?:\s+\S+){0,3}?\s+(?:leak\w*|smell\w*|odou?rs?|hissing|escaping)\b`,
  ),
  rule('gas', String.raw`\b(?:leak\w*|smell\w*|stinks? of|reeks? of|odou?r of)\s+(?:\w+\s+){0,2}?gas\b`),
  rule('gas', String.raw`\b(?:rotten eggs? smell|smell\w* (?:like|of) rotten eggs?)\b`),
  rule(
    'gas',
    String.raw`\bgas\s+(?:pipe|line|valve|hose|tank|cylinder|bottle|main)s?\b.{0,40}\b(?:leak\w*|burst|hissing|escaping)\b`,
  ),
  rule(
    'gas',
    String.raw`(?:煤气|燃气|天然气|液化气|瓦斯)[^，。,.!?]{0,6}(?:泄漏|泄露|漏了|漏气|在漏|有漏|味|臭|嘶嘶)|(?:闻到|有股|一股|好大的?|很大的?|浓浓的?|很浓的?)[^，。,.!?]{0,4}(?:煤气|燃气|天然气|液化气)|漏气|臭鸡蛋味`,
  ),

  // Fire.
  rule(
    'fire',
    String.raw`\b(?:on fire|caught fire|catch(?:ing)? fire|set fire|fire (?:in|at|on|inside|broke|is|started|spreading|outside)|a fire|the fire\b(?!\s+(?:safety|drill|training|door|exit|alarm|extinguisher|inspection|escape|hydrant|equipment|lane|code|brigade access))|flames?|blaze|ablaze|burning smell|(?:something|it|kitchen|flat|apartment|unit|house|room|car|building|bins?|rubbish|trash|garbage|wires?|cables?|stove|curtains?|sofa|fence|tree|grass|balcony|roof)\s+(?:is\s+|are\s+)?burning|smoke (?:is |was )?(?:coming|pouring|billowing|filling|everywhere|from|in|out|inside|all over|in the)|(?:full of|thick|black|heavy|lots of|a lot of|so much) smoke|smoke-filled|smoky|scorched)\b`,
  ),
  rule(
    'fire',
    String.raw`\bsmell(?:s|ing)?\s+(?:of\s+|like\s+)?(?:\w+\s+)?(?:burning|smoke)\b|\b(?:there is|there are|i see|i can see|see|seeing|some|lots of|smell of|smell) (?:\w+ )?smoke\b|\bfire\b`,
  ),
  rule(
    'fire',
    String.raw`\b(?:fire|smoke) alarms?\b(?:\s+\S+){0,3}?\s+(?:going off|is ringing|are ringing|sounding|went off)\b.{0,60}\b(?:smoke|smell|burning|flames?)\b`,
  ),
  rule(
    'fire',
    String.raw`着火|起火|失火|火灾|火警|烧起来|烧着了|冒烟|冒火|窜火|自燃|焦糊味|浓烟|黑烟|烟雾|有烟|大火|火苗|明火|火光|焦味|烧焦|烟味|火势|一股烟|满屋子?烟|烟很大|好大的?烟`,
  ),

  // Flood.
  rule(
    'flood',
    String.raw`\b(?:flood(?!\s*lights?|\s*lamps?)\w*|burst(?:ing)?\s+(?:water\s+)?(?:pipe|main|hose)s?|pipes?\s+(?:has\s+|have\s+|just\s+)?(?:burst|exploded|broke open|split)|water\s+(?:is\s+|keeps\s+)?(?:pouring|gushing|spraying|spurting|flooding|rushing|streaming|everywhere|coming through the ceiling|all over)|(?:ankle|knee)[- ]deep|inches of water|under water|submerged|water main|(?:toilet|bath|bathtub|tub|sink|drain|sewage|sewer|water tank|tank|pipe|manhole|basin)s?\s+(?:is\s+|are\s+|keeps?\s+)?overflowing|overflowing\s+(?:toilet|sewage|water|drain))\b`,
  ),
  rule(
    'flood',
    String.raw`(?:爆管|水管[^，。,.]{0,3}(?:爆|裂开|崩|炸|断了)|管道[^，。,.]{0,3}(?:爆|裂开)|水漫|漫水|淹了|被淹|水淹|淹水|发大水|进水[^，。,.]{0,4}(?:很深|到处|满地|淹)|满地(?:都是)?水|到处都是水|(?<!(?:马桶|水龙头|龙头|水箱)[^，。,.]{0,4})水[^，。,.]{0,4}(?:喷|涌|狂流|哗哗|漫出|往外冒|冒出来|流个不停|止不住|停不下来)|大量(?:的)?水|水(?!泥)[^，。,.]{0,6}(?:满地|到处)|(?:车库|地下室|家里|屋里|房间|电梯井|配电房|客厅|卧室)[^，。,.]{0,2}进水|跑水|灌水|往下灌|全是水|管子[^，。,.]{0,2}(?:爆|裂)|漏水[^，。,.]{0,3}(?:好|很|特别|非常|太)严重|水(?:已经|都|快)?(?:没过|淹到|漫到|灌进)|积水[^，。,.]{0,3}(?:很深|齐|没过|淹))`,
  ),

  // Phrasings from the second corpus batch (owners write these; the rules above missed them).
  rule(
    'lift_entrapment',
    String.raw`\b${LIFT}\b.{0,40}\b(?:stuck|stopped|stop|dropped)\b.{0,40}\b(?:inside|in it|in there)\b|\b(?:i am|i'm|im|we are|we're)\s+(?:in|inside)\s+(?:the\s+|a\s+)?${LIFT}\b.{0,30}\bstuck\b`,
  ),
  rule(
    'lift_entrapment',
    String.raw`(?:困了(?:个|一个|人)|(?:卡|困|关)(?:在)?电梯里|停在两层中间|停在[^，。]{0,4}中间出不去)`,
  ),
  rule(
    'electrical',
    String.raw`\b(?:smoking|melting|melted|sparking|burning)\s+(?:socket|outlet|plug|switch|power strip|extension|wires?)\b|\b(?:melted|melting)\b.{0,20}\bsmoking\b|\bwires?\s+(?:is\s+|are\s+)?exposed\b|\b(?:got|get|getting)\s+shocked\b`,
  ),
  rule(
    'electrical',
    String.raw`(?:电表箱|配电箱|电表|电箱)[^，。,.]{0,6}(?:打火|冒火|噼里啪啦)|电线[^，。,.]{0,8}(?:带电|掉地上|滋滋)|电线露在外面|电线外露`,
  ),
  rule(
    'gas',
    String.raw`(?:燃气|煤气)报警器[^，。,.]{0,6}(?:叫|响)|(?:煤气|燃气)没关|像煤气|(?:灶|燃气|煤气)[^，。,.]{0,10}(?:冒气|呲呲)`,
  ),
  rule('fire', String.raw`烧糊|糊味`),
  rule(
    'flood',
    String.raw`(?:地上|屋里|家里|房间|整间屋|客厅|厨房|卫生间|走廊|楼道)[^，。,.!?]{0,3}(?:都是|全是)水|哗哗往下|往下冲|漏得跟下雨|天花板[^，。,.]{0,4}鼓|(?:暖气|热水|消防)?水?管[^，。,.]{0,2}爆了`,
  ),
  // Traditional and Cantonese messages, read as Mandarin ("着咗火" -> "着了火", "啲煙好大" -> "烟好大").
  rule('electrical', String.raw`(?:冒|出|闪|打|喷|爆)(?:出|了)?火花|火花四射|电线[^，。,.]{0,6}(?:烧|焦)`),
  rule(
    'gas',
    String.raw`(?:燃气|煤气|天然气|液化气)[^，。,.!?]{0,4}外泄|(?:燃气|煤气)[^，。,.!?]{0,6}(?:好重|很重|很浓|好浓|很冲|好冲)`,
  ),
  rule(
    'fire',
    String.raw`着了火|起了火|油锅(?:着了|起火|烧起来)|火(?:窜|冒)得|(?:叫|打)(?:了)?消防(?:车|队)?|烟(?:好大|很浓|好浓|好多)|(?:好多|很多|全是|都是|满是)(?:的)?烟(?![头花酒草盒])|有(?:大)?火(?![车锅腿柴机候速气])`,
  ),

  // Outages of a whole building or estate are urgent (lifts, pumps, elderly residents); one
  // flat without power is a repair. Future and scheduled cuts are questions, not events.
  rule(
    'outage',
    String.raw`\b(?:whole|entire|all of the|all the|our)\s+(?:building|block|tower|estate|complex|compound|community|floor|development)\b(?:\s+\S+){0,6}?\s+(?:has\s+|have\s+|is\s+|are\s+)?(?:no (?:power|electricity|water)|without (?:power|electricity|water)|(?:lost|losing) (?:power|electricity|water)|blackout|(?:power|electricity|water) (?:is\s+)?(?:out|off|cut|down|gone)|dark|pitch black|in the dark)\b(?!\s+(?:tomorrow|next|on|from|between)\b)`,
  ),
  rule(
    'outage',
    String.raw`\b(?:no (?:power|electricity|water)|blackout|power (?:cut|outage|failure)|water (?:cut|outage)|lost (?:power|water))\b(?:\s+\S+){0,4}?\s+(?:in|for|across|at)\s+(?:the\s+)?(?:whole|entire|all)\s+(?:building|block|tower|estate|complex|compound)\b|\b(?:building|block|tower|estate)[- ]wide\s+(?:power|water|blackout|outage)`,
  ),
  rule(
    'outage',
    String.raw`(?:整栋|整幢|整座|整个小区|整个社区|全社区|整个楼|整楼|整层|全栋|全楼|全小区|所有楼|好几栋|几栋楼|整片|整个大厦|整座大厦|整个大楼|整栋大楼|整个屋苑)[^，。,.!?]{0,8}(?:停了?电|断了?电|没有?电|黑了|都黑|全黑|黑漆漆|一片漆黑|漆黑|停了?水|断了?水|没有?水)|(?:停电|断电|停水|断水|没电|没水)[^，。,.!?]{0,8}(?:整栋|整幢|整座|整个小区|全小区|整个社区|全社区|全楼|整楼|所有楼)`,
  ),
];
