import type { LocalizedText } from './text';

/** What `ownerbot survey status` prints, in the manager's language (`--lang`, else STAFF_LANGUAGE). */
export const surveyStatusTexts = {
  none: {
    zh: '{quarter} 没有问卷调查（按 SURVEY_CRON 开始，或运行：ownerbot survey send --quarter {quarter}）',
    en: 'No campaign for {quarter} (it starts on SURVEY_CRON, or run: ownerbot survey send --quarter {quarter})',
  },
  campaign: {
    zh: '调查 {id}（{definition}）：{status}，开始于 {started}，截止 {expires}',
    en: 'Campaign {id} ({definition}): {status}, started {started}, expires {expires}',
  },
  asked: {
    zh: '  已邀请 {asked}：未开始 {sent}，部分作答 {partial}，完成 {complete}，已过期 {expired}',
    en: '  asked {asked}: not started {sent}, partial {partial}, complete {complete}, expired {expired}',
  },
  reach: {
    zh: '  已送达 {reached}（其中微信模板消息 {byTemplate}），未送达 {unreached}，发送中 {waiting}',
    en: '  reached {reached} ({byTemplate} by WeChat template message), not reached {unreached}, on the way {waiting}',
  },
  notReached: {
    zh: '    未送达：{count} {code}{why}',
    en: '    not reached: {count} {code}{why}',
  },
  score: {
    zh: '  {name} 指数 {index}  总体 {overall}  回复率 {rate}（{completed}/{invited}，部分 {partial}）',
    en: '  {name} index {index}  overall {overall}  response {rate} ({completed}/{invited}, {partial} partial)',
  },
  allOwners: { zh: '全部业主', en: 'all owners' },
  building: { zh: '{building}栋', en: 'building {building}' },
  byDimension: {
    zh: '  按维度（感知 / 期望 = 指数）：',
    en: '  by dimension (perceived / expectation = index):',
  },
  versus: {
    zh: '  与 {quarter} 相比：指数 {index}，总体 {overall}，回复率 {rate}',
    en: '  vs {quarter}: index {index}, overall {overall}, response rate {rate}',
  },
  points: { zh: '{value} 个百分点', en: '{value} pts' },
  noPrevious: {
    zh: '  与 {quarter} 相比：无可比较的调查',
    en: '  vs {quarter}: no campaign to compare with',
  },
  running: { zh: '进行中', en: 'running' },
  done: { zh: '已结束', en: 'done' },
} satisfies Record<string, LocalizedText>;
