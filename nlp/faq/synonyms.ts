/*
 * Synonyms of the estate's everyday subjects. Owners ask "can I pay by Alipay" of an entry
 * written as "do you take WeChat Pay", "register my puppy" of "register my dog", "apply
 * before the builders start" of "renovation permit". Each family adds one concept token
 * ("@pay") to both the entries and the question, so TF-IDF matches the family as one word.
 * Patterns run on normalized text (Simplified, lower case).
 */

type SynonymTable = ReadonlyArray<readonly [token: string, pattern: RegExp]>;

const SYNONYMS: SynonymTable = [
  [
    '@pay',
    /\b(?:pay|pays|paying|payment|paid|wechat ?pay|wechat|alipay|online banking|bank transfer|bank card|credit card|debit card|card|qr ?code|settle)\b|微信支付|支付宝|微信|扫码|线上|网上|在线|转账|银行卡|信用卡|刷卡|缴|交钱|付款|支付|付/u,
  ],
  ['@fee', /\b(?:fees?|service charges?|charges?|management fee|levy)\b|物业费|服务费/u],
  ['@invoice', /\b(?:invoices?|e-invoices?|receipts?|fapiao)\b|发票|收据/u],
  ['@late', /\b(?:late|overdue|penalty|arrears|behind)\b|滞纳金|逾期|晚交|拖欠|拖了|罚/u],
  ['@dog', /\b(?:dogs?|pupp(?:y|ies)|pups?|doggy|canine)\b|狗|犬/u],
  ['@pet', /\b(?:pets?|dogs?|cats?|pupp(?:y|ies)|kittens?)\b|宠物|狗|猫/u],
  [
    '@renovate',
    /\b(?:renovat\w*|refurbish\w*|redecorat\w*|remodel\w*|redo\w*|fit-?out|builders?|contractors?|decorators?|reno)\b|装修|装潢|翻新|改造/u,
  ],
  [
    '@apply',
    /\b(?:permits?|permission|apply|application|approval|paperwork|register\w*|sign in|licen[cs]e|forms?)\b|申请|手续|审批|许可|报备|登记|备案|办证|证/u,
  ],
  ['@ev', /\b(?:ev|evs|electric (?:car|vehicle)s?|plug in)\b|新能源|电动汽车|电车|充电桩/u],
  ['@charge', /\b(?:charg(?:e|er|ers|ing)|plug in)\b|充电/u],
  ['@card', /\b(?:access cards?|key ?cards?|(?:key )?fobs?|cards?)\b|门禁卡|门卡|卡/u],
  ['@lost', /\b(?:lost|lose|misplaced|missing|gone missing|can't find)\b|丢|遗失|不见|找不到/u],
  ['@gym', /\b(?:gym|fitness|workout)\b|健身/u],
  ['@pool', /\b(?:pool|swimming)\b|泳池|游泳/u],
  [
    '@bulky',
    /\b(?:mattress\w*|sofas?|couch\w*|furniture|wardrobes?|bulky|bed frames?|old (?:table|chair|desk)s?)\b|家具|沙发|床垫|大件|衣柜/u,
  ],
  ['@quiet', /\b(?:quiet|noise|noisy|keep it down|loud)\b|噪音|安静|吵|不能吵|声音/u],
  ['@water', /\b(?:tap water|water (?:company|supplier|supply|board)|water bill)\b|自来水|水务|水费/u],
  ['@gas', /\b(?:gas|natural gas)\b|燃气|天然气|煤气/u],
  [
    '@tenant',
    /\b(?:tenants?|renters?|lodgers?|letting|let out|rent(?:ed|ing)? (?:it |my \w+ )?out)\b|租客|租户|出租|租给/u,
  ],
  ['@parcel', /\b(?:parcels?|packages?|couriers?|deliver(?:y|ies)|post)\b|快递|包裹|快件/u],
  ['@drill', /\b(?:drills?|evacuation|exercise|practice)\b|演练|演习|疏散/u],
  [
    '@hours',
    /\b(?:open|opening|close|closing|hours|what time|when)\b|几点|开门|关门|上班|下班|开放|时间|营业/u,
  ],
  [
    '@weekend',
    /\b(?:weekends?|saturdays?|sundays?)\b|周末|周六|周日|星期六|星期天|星期日|礼拜六|礼拜天|礼拜日/u,
  ],
  ['@phone', /\b(?:number|phone|telephone|call|ring|contact|hotline)\b|电话|号码|联系/u],
  ['@night', /\b(?:night|after hours|out of hours|evening|midnight)\b|晚上|半夜|夜里|夜间|值班/u],
  ['@office', /\b(?:office|management|service cent(?:re|er)|front desk)\b|物业|服务中心|管理处|办公室/u],
  ['@parking', /\b(?:park\w*|car park|garage|parking space|space|spot|bay)\b|停车|车位|车库|地库/u],
  ['@monthly', /\b(?:monthly|by the month|per month|month)\b|月卡|包月|月租|每月/u],
  ['@move', /\b(?:mov(?:e|es|ing|ers)|removal\w*|relocat\w*)\b|搬家|搬运|搬东西/u],
  ['@lift', /\b(?:lifts?|elevators?)\b|电梯/u],
  [
    '@maintain',
    /\b(?:servic(?:e|ed|ing)|maintenance|maintained|inspect\w*|check-?ups?)\b|保养|检修|维保|年检|检查/u,
  ],
  ['@sell', /\b(?:sell\w*|sold|sale|transfer\w*|new owner)\b|卖房|卖了|出售|过户|转让/u],
  ['@guard', /\b(?:guards?|security|patrol\w*)\b|保安|巡逻|门岗|安保/u],
  [
    '@debris',
    /\b(?:rubble|debris|construction (?:waste|rubbish)|renovation (?:waste|rubbish))\b|建筑垃圾|装修垃圾/u,
  ],
  ['@visitor', /\b(?:visitors?|guests?|friends?|relatives?|family visiting)\b|访客|客人|朋友|亲戚|来访/u],
  ['@bike', /\b(?:bikes?|bicycles?|e-?bikes?|scooters?|cycles?)\b|自行车|单车|电瓶车|电动车|摩托/u],
  [
    '@movein',
    /\b(?:move in|moving in|move-in|collect (?:my )?keys|handover of keys|check-in)\b|收房|交房|入住|拿钥匙/u,
  ],
  ['@repair', /\b(?:repair\w*|fix\w*|plumber|electrician|mend)\b|维修|修理|报修|修/u],
];

/** The concept tokens of a normalized text, each once ("@pay" for 支付宝, WeChat Pay, card...). */
export function synonymTokens(normalized: string): string[] {
  const tokens: string[] = [];
  for (const [token, pattern] of SYNONYMS) if (pattern.test(normalized)) tokens.push(token);
  return tokens;
}
