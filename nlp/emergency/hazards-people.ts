import { PERSON, rule, type HazardRule } from './hazards';

/*
 * People in danger: violence and threats, a child or pet locked in a car, and a person who
 * collapsed, fell and is not getting up, is unconscious or bleeding. Run after the building
 * hazards, in this order: a fight with a bleeding man is violence (police), not medical.
 */

const WEAPON = String.raw`(?:knife|knives|gun|machete|blade|axe|cleaver|weapon|bat|hammer|broken bottle)`;
const HARM = String.raw`(?:kill|stab|hurt|beat|attack|burn|shoot|murder|smash)`;
/** Who a blow or a threat lands on: a person or a pet, never a thing ("keeps hitting my car"). */
const VICTIM = String.raw`(?:me|us|you|him|her|them|someone|somebody|people|everyone|(?:a|an|the|my|his|her|their|our)\s+(?:(?:old|elderly|young|little|security)\s+)?(?:\w+\s+)?(?:man|woman|guy|lady|kid|child|boy|girl|baby|wife|husband|son|daughter|mum|mom|mother|dad|father|neighbou?r|friend|guard|cleaner|resident|partner|girlfriend|boyfriend|dog|cat|person|driver|worker|staff))`;
const CHILD_OR_PET = String.raw`(?:kids?|child|children|baby|babies|toddler|infant|boy|girl|son|daughter|dog|puppy|cat|kitten|pet)`;
const CAR = String.raw`(?:car|vehicle|van|minivan|suv|truck|taxi|sedan|hatchback|jeep|pickup)(?!\s*(?:park|parks|port|wash|seat|keys?|alarm|space|bay)\b)`;
const ZH_CHILD_OR_PET = String.raw`(?:小孩子?|孩子|小朋友|小?婴儿|小?宝宝|宝贝|儿童|小狗|狗狗|狗(?![毛粮绳笼屎尿])|猫咪|小猫|猫(?![毛粮砂])|宠物)`;

const VIOLENCE: readonly HazardRule[] = [
  rule(
    'violence',
    String.raw`\b(?:a|big|huge|massive|fist|street|gang)\s+fight\b(?!\s+(?:with|against|over|about)\s+(?:the\s+)?(?:management|property|office|company|fees?|you|this|that|it)\b)|\b(?:people|men|guys|kids|boys|teenagers|youths|neighbou?rs|two|some|they|drivers|residents|workers|couples?|group)\b(?:\s+\S+){0,2}?\s+(?:are\s+|were\s+|is\s+|keep\s+|started\s+|start\s+)?(?:fighting(?!\s+(?:over|about|for)\b)|brawling|punching|beating each other)\b|\bbrawl\w*\b|\bdomestic violence\b`,
  ),
  rule(
    'violence',
    String.raw`\b(?:attacking|assaulting|beating(?:\s+up)?|beat\s+up|punching|hitting|stabbing|kicking|strangling|choking|threatening|chasing)\s+${VICTIM}\b|\b(?:i|we|he|she|someone|somebody|a\s+\w+|my\s+\w+)\s+(?:was|were|is|are|got|has been|have been)\s+(?:just\s+)?(?:attacked|assaulted|stabbed|punched|mugged|robbed|beaten(?:\s+up)?|jumped|threatened)\b`,
  ),
  rule(
    'violence',
    String.raw`\b(?:with|has|had|holding|waving|wielding|carrying|pulled(?:\s+out)?|pointing|brandishing)\s+(?:a\s+|an\s+|the\s+|his\s+|her\s+)?${WEAPON}\b|\bthreaten\w*\s+(?:to\s+)?${HARM}\b|\b(?:said|says|saying|shouting|screaming|yelling|told me|told us)\b.{0,30}\b${HARM}\s+${VICTIM}\b|\b(?:going to|gonna|wants? to|will|trying to)\s+${HARM}\s+(?:me|us|you|him|her|them|my\s+\w+)\b|\b(?:shots? fired|gunshots?|someone is breaking in|(?:is|are) breaking into|intruder)\b`,
  ),
  rule(
    'violence',
    String.raw`打架|打起来|打人(?!工)|打(?:着)?(?:老婆|老公|妻子|女人|孩子|小孩)|斗殴|殴打|群殴|互殴|动手打|被打|挨打|打伤了?|砍人|被砍|砍死|捅人|被捅|捅伤|持刀|(?:拿|举|挥|带|拎|掏出|亮出)(?:着|了|出)?(?:一?把)?(?:刀|菜刀|水果刀|砍刀|棍子?|铁棍|棒球棍|枪)|抢劫|行凶|杀人|要杀|杀了我|弄死|打死|家暴|绑架|闹事|持械|有枪|开枪|砸(?:门|车|窗|玻璃|东西)|闯进|闯入|入室|威胁(?:我|他|她|说|要|业主|保安|物业|人|我们)|恐吓|追着?[^，。,.!?]{0,4}(?:打|砍)|大吼说要`,
  ),
];

const LOCKED_IN_CAR: readonly HazardRule[] = [
  rule(
    'locked_in_car',
    String.raw`\b${CHILD_OR_PET}\b.{0,40}\b(?:locked|shut|trapped|stuck|left)\b.{0,25}\b${CAR}|\b(?:locked|shut|trapped|stuck)\s+(?:in|inside)\s+(?:a\s+|the\s+|his\s+|her\s+|their\s+|my\s+)?(?:hot\s+)?${CAR}|\b${CAR}\b.{0,40}\b${CHILD_OR_PET}\b.{0,20}\b(?:locked|inside|trapped|in it|shut in|left)\b`,
  ),
  rule(
    'locked_in_car',
    String.raw`(?<!(?:能不能|可不可以|可以|能否|能)把)${ZH_CHILD_OR_PET}[^。!?]{0,10}(?:锁|关|困|留)(?:在|住|着|了)?[^。!?]{0,6}车(?:里|内|上|中)|车(?:里|内|里面|里头|中)[^。!?]{0,10}?(?:锁|关|困|有|留)(?:住|着|了)?(?:一?个|一?只|一?条|着)?${ZH_CHILD_OR_PET}`,
  ),
];

const MEDICAL: readonly HazardRule[] = [
  rule(
    'medical',
    String.raw`(?<!\b(?:ceiling|roof|wall|fence|shelf|shelves|tent|floor|stairs|structure|scaffolding|tree|bridge|building|road|ground|pavement|sofa|bed|chair|table|cabinet|cupboard|market|price|prices|deal|plan|talks|system|network|website|app)(?:\s+\S+){0,2}\s+)\b(?:collapsed|fainted|passed out|is unconscious|unconscious|not breathing|(?:can not|can't|cannot|could not|unable to) breathe|stopped breathing|having (?:a )?(?:heart attack|stroke|seizure|fit)|heart attack|seizure|convuls\w+|choking|overdos\w+|bleeding (?:heavily|badly|a lot|profusely|everywhere)|lots of blood|(?:fell|fallen)\b.{0,30}\b(?:can not|cannot|unable to) get up|unresponsive)\b|\b${PERSON}\s+(?:is\s+|are\s+)?(?:not moving|not responding|unresponsive)\b`,
  ),
  rule('medical', String.raw`\b(?:call|need|get|send)\s+(?:an?\s+)?ambulance\b`),
  rule(
    'medical',
    String.raw`(?:晕倒|昏倒|昏迷|不省人事|晕过去|昏过去|休克|倒地|倒在地上|突然倒下|没有?呼吸|没气了|呼吸困难|喘不上气|喘不过气|心脏病|心梗|心绞痛|中风|抽搐|抽筋倒地|口吐白沫|大出血|流了?(?:很多|好多|好些|大量的?)血|血流不止|流血不止|摔倒[^，。,.]{0,4}(?:起不来|爬不起来|不能动|动不了)|摔[^，。,.]{0,3}起不来|叫救护车|打120|快叫120|(?:人|他|她|老人|孩子|小孩|病人|老太太|老大爷|老爷爷|老奶奶)[^，。,.]{0,4}没有?反应|叫不醒|噎住|流血|出血|倒在(?:地上|楼梯|电梯|大堂|门口|路边|走廊|楼道|小区|家里|卫生间|浴室))`,
  ),
  rule(
    'medical',
    String.raw`\b(?:lying|fell|fallen|collapsed)\b.{0,50}\bnot moving\b|\bbleeding from\s+(?:his|her|the|their)\s+head\b|\bfell down the stairs\b.{0,30}\bbleeding\b`,
  ),
  rule('medical', String.raw`溺水|一动不动|不像在喘气|没在喘气|流(?:着|紧)血|在流血`),
  // A fall is an emergency when the person does not get up, respond or wake, or bleeds.
  rule(
    'medical',
    String.raw`\b(?:fell|fallen|falls|tripped|slipped|collapsed)\b(?:\s+\S+){0,8}?\s+(?:and\s+)?(?:is not|is still not|has not|did not|does not|will not|can not|could not|not|unable to|never)\s+(?:been\s+able\s+to\s+)?(?:get(?:ting)?|got|move|moving|respond\w*|wake|waking|answer\w*|stand\w*|talk\w*)\b|\b(?:fell|fallen|tripped|slipped|collapsed)\b.{0,40}\b(?:bleeding|blood|hit (?:his|her|their|my) head|knocked out|broke (?:his|her|my) (?:leg|hip|arm))\b`,
  ),
  rule(
    'medical',
    String.raw`\b(?:is|are|was|were)\s+bleeding\b|\bbleeding\s+(?:pretty\s+|really\s+|very\s+)?(?:bad(?:ly)?|heavily|from)\b|\bblood\s+everywhere\b|\bcovered in blood\b|\b(?:will not|does not|can not|not)\s+wake\s+up\b|\b(?:lying|lies|lay)\s+(?:on the (?:floor|ground)|in a pool of blood|face down)\b`,
  ),
  rule(
    'medical',
    String.raw`[摔跌](?:倒|了一跤|了一下|下来|下楼梯|伤)?[^。!?]{0,12}(?:没有?反应|叫不醒|不动|起不来|站不起来|爬不起来|没有?(?:爬)?起来|起不了身|流血|出血|头破|骨折|昏|晕)|意识不清|神志不清|失去意识|没有?意识|头破血流|满头是血|满脸是血|(?:头|脸|身)上(?:都是|全是)血|一身血|一地血|流了一地|(?:好|快|要)不行了|(?:人|他|她|老人|伯伯|阿姨|老头|老太太|孩子|小孩|爷爷|奶奶|爸|妈|老公|老婆|先生|太太)[^，。,.]{0,6}晕(?:了|过去|倒)`,
  ),
];

/** The people hazards in the order they are tried. */
export const PEOPLE_HAZARDS: readonly HazardRule[] = [...VIOLENCE, ...LOCKED_IN_CAR, ...MEDICAL];
