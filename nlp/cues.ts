/*
 * Domain cues: words the property trade knows belong to a topic ("车位", "parking space")
 * or mark how an owner speaks ("why do I pay", "麻烦...修一下"). Each hit adds one feature
 * token such as "@topic:parking" or "@cue:complaint", so the models learn one weight for the
 * whole family of words, including words the corpus never contained. Patterns run on the
 * normalized text (lower case, half-width).
 */

type CueTable = ReadonlyArray<[token: string, pattern: RegExp]>;

const TOPICS: CueTable = [
  [
    '@topic:equipment',
    /\b(?:lifts?|elevators?|water|taps?|faucets?|pipes?|drains?|toilets?|sinks?|showers?|heat\w*|radiators?|boilers?|lights?|lamps?|bulbs?|power|electric\w*|sockets?|outlets?|switch\w*|wir\w+|air ?con\w*|ac|intercoms?|doorbells?|doors?|locks?|gates?|windows?|pumps?|meters?|valves?|leak\w*|blocked|broken|fans?|plumb\w*)\b|电梯|水管|水龙头|龙头|下水|马桶|地漏|热水|暖气|地暖|灯|电|插座|开关|空调|对讲|门禁|门铃|锁|窗|水泵|水表|电表|阀|漏水|堵|坏|风机|水压/u,
  ],
  [
    '@topic:fees',
    /\b(?:fees?|bills?|billing|charge[ds]?|charging|pay\w*|paid|invoices?|fapiao|receipts?|refund\w*|deposit|prices?|costs?|money|yuan|rmb|overcharg\w*|rates?|discount)\b|费|账单|收费|缴|交钱|付款|支付|发票|收据|退款|押金|价格|多少钱|元|块钱|涨价|优惠|欠/u,
  ],
  [
    '@topic:cleaning',
    /\b(?:clean\w*|dirty|filthy|rubbish|trash|garbage|bins?|litter|waste|recycl\w*|mop\w*|sweep\w*|dust\w*|smell\w*|stink\w*|pests?|cockroach\w*|rats?|mice|ants|wasps?|mosquito\w*|garden\w*|lawn|grass|trees?|branch\w*|hedges?|weeds?|plants?|leaves|poo|droppings|graffiti|mou?ld)\b|保洁|打扫|清洁|清理|脏|垃圾|分类|拖地|扫|灰尘|臭|蟑螂|老鼠|蚂蚁|蚊子|马蜂|虫|绿化|草坪|草|树|枝|花坛|杂草|狗屎|鸟屎|霉|涂鸦/u,
  ],
  [
    '@topic:security',
    /\b(?:guards?|security|stranger\w*|thie\w+|theft|stole\w*|steal\w*|break-?in|broke into|burglar\w*|cctv|cameras?|footage|patrol\w*|access cards?|key ?cards?|fobs?|visitors?|intruder\w*|suspicious|unsafe|safety)\b|保安|安保|门岗|陌生人|偷|盗|撬|监控|录像|巡逻|门禁卡|访客|登记|可疑|不安全|推销/u,
  ],
  [
    '@topic:parking',
    /\b(?:park\w*|cars?|vehicles?|garage|plates?|spaces?|spots?|bikes?|e-?bikes?|scooters?|motorbikes?|chargers?|charging|ev|barrier|fire lane|tow\w*)\b|车位|停车|车库|地库|车牌|挪车|占位|电动车|电瓶车|自行车|摩托|充电桩|道闸|消防通道|月卡|车/u,
  ],
  [
    '@topic:decoration',
    /\b(?:renovat\w*|decorat\w*|fit-?out|contractors?|workers?|drill\w*|hammer\w*|construction|debris|cement|tiles?|permits?|knock\w* down|walls?|balcony enclos\w*)\b|装修|装潢|施工|工人|装修队|电钻|砸墙|拆墙|建筑垃圾|水泥|瓷砖|许可|封阳台|改造/u,
  ],
  [
    '@topic:neighbours',
    /\b(?:neighbou?rs?|upstairs|downstairs|next door|dogs?|cats?|pets?|bark\w*|noise|noisy|loud|music|karaoke|party|smok\w*|stomp\w*|kids? running)\b|邻居|楼上|楼下|隔壁|狗|猫|宠物|叫|噪音|吵|音乐|唱k|派对|抽烟|跺脚|扰民/u,
  ],
  [
    '@topic:attitude',
    /\b(?:rude\w*|impolite|attitude|shout\w*|yell\w*|swore|swear\w*|laugh\w*|ignor\w*|arrogant|unprofessional|unhelpful|hung up|eye ?roll\w*|staff|receptionist|manager|cleaner|repairman|polite)\b|态度|没礼貌|不礼貌|吼|骂|凶|笑话|不理|傲慢|不专业|挂电话|白眼|员工|工作人员|前台|客服|经理/u,
  ],
  [
    '@topic:quality',
    /\b(?:still|again|weeks?|months?|days?|slow\w*|never came|nobody came|no one came|not fixed|didn't fix|did not fix|redo|badly|poor\w*|shoddy|useless|forever|waited|waiting|mess|left without|three times|third time)\b|还没|又|几天|一周|一个?星期|几个?月|拖|慢|没人来|没来|没修好|没有修好|返工|敷衍|糊弄|没用|一团糟|等了|第三次|好几次|效率/u,
  ],
];

const CUES: CueTable = [
  [
    '@cue:request',
    /\b(?:please|pls|plz|can (?:you|someone|u)|could (?:you|someone)|send (?:someone|a|an|the)|need (?:a|someone|help)|fix|repair|check|come|help me|asap)\b|麻烦|请|帮忙|帮我|派人|派个|来人|修一下|修下|看一下|看看|处理一下|处理下|能不能来|尽快|赶紧/u,
  ],
  [
    '@cue:question',
    /\b(?:how|when|where|what|which|who|is there|are there|can i|may i|do i|does|is it|are we|allowed)\b|\?|吗|怎么|如何|什么时候|几点|哪里|在哪|多少|能不能|可以吗|是否|有没有|哪天|哪个/u,
  ],
  [
    '@cue:complaint',
    /\b(?:why|ridiculous|unacceptable|terrible|awful|worst|useless|pathetic|joke|disgust\w*|fed up|sick of|tired of|disappointed|angry|furious|complain\w*|rip-?off|what are you doing|does anyone care|is anyone|do you (?:even|ever|actually)|great job|well done|thanks for nothing|brilliant|amazing|impressive|wow)\b|为什么|凭什么|怎么又|离谱|太差|差劲|恶心|受够|失望|气死|投诉|曝光|不交|什么物业|干什么|干嘛|有没有人|到底|真棒|真高|厉害|呵呵|服了|笑话|一如既往/u,
  ],
  [
    '@cue:smalltalk',
    /^(?:hi|hello|hey|thanks?|thank you|thx|ty|ok|okay|k|bye|yes|no|sure|cool|wow|lol|haha\w*|good (?:morning|night|evening|afternoon)|noted|received|got it)\b|^(?:你好|您好|谢谢|多谢|好的|收到|嗯|再见|拜拜|哈哈|早|晚安|行|明白|知道了)/u,
  ],
];

/** The topic and cue tokens of a normalized message, each at most once. */
export function cueTokens(normalized: string): string[] {
  const tokens: string[] = [];
  for (const [token, pattern] of TOPICS) if (pattern.test(normalized)) tokens.push(token);
  for (const [token, pattern] of CUES) if (pattern.test(normalized)) tokens.push(token);
  return tokens;
}
