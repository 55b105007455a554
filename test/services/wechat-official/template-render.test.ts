import { loadConfig } from '../../../services/config/load-config';
import { ConfigError } from '../../../services/errors';
import { reasonCode } from '../../../services/outreach/outreach-reach';
import { errcodeMeaning, msUntilQuotaReset } from '../../../services/wechat-official/errcodes';
import {
  DEFAULT_TEMPLATE_FIELDS,
  fitToField,
  parseTemplateSpec,
  renderTemplateData,
  summaryOf,
  templateKindOf,
  templateTime,
} from '../../../services/wechat-official/template-render';
import { isStartReply } from '../../../services/wechat-official/template-follow-up';
import { LANGUAGES } from '../../../services/i18n/text';
import { templateTexts } from '../../../services/i18n/wechat-official';

const OFFICIAL = {
  WECHATY_PUPPET: 'wechaty-puppet-official-account',
  WECHAT_APP_ID: 'wx1234567890abcdef',
  WECHAT_APP_SECRET: 'fake-app-secret-0123456789abcdef'.replace(/-/g, ''),
};

describe('WeChat template messages: what goes into the fields', () => {
  it('when only a template id is configured, then the default mapping applies; a mapping can be given after it', () => {
    expect(parseTemplateSpec('Ab_cdEF-1234567890')).toEqual({
      id: 'Ab_cdEF-1234567890',
      fields: DEFAULT_TEMPLATE_FIELDS,
    });
    expect(parseTemplateSpec('Ab_cdEF-1234567890, thing2=title ,time5=time')).toEqual({
      id: 'Ab_cdEF-1234567890',
      fields: [
        { key: 'thing2', value: 'title' },
        { key: 'time5', value: 'time' },
      ],
    });
    expect(parseTemplateSpec('short')).toMatch(/template id/);
    expect(parseTemplateSpec('Ab_cdEF-1234567890,thing1=weather')).toMatch(
      /thing1=weather.*title, summary, time, action, property/,
    );
  });

  it('when a value is longer than its field type allows, then it is cut to the limit the template library documents', () => {
    expect(
      Array.from(fitToField('thing1', '本周末小区将进行消防设施年度检测，届时会有短暂的警铃声')),
    ).toHaveLength(20);
    expect(fitToField('thing1', '停水通知')).toBe('停水通知');
    expect(fitToField('phrase3', '处理中 ok')).toBe('处理中');
    expect(fitToField('character_string2', 'WO-2026-0001 回访')).toBe('WO-2026-0001');
    expect(fitToField('time4', '2026年11月22日 10:00')).toBe('2026年11月22日 10:00');
  });

  it('when a survey message is summarized, then progress markers, emoji and numbered choices are left out', () => {
    expect(summaryOf('📋 季度业主满意度调查\n共 14 题')).toBe('季度业主满意度调查');
    expect(summaryOf('（第 3/14 题）保洁：公共区域是否干净？\n\n1. 1 很差')).toBe('保洁：公共区域是否干净？');
    expect(summaryOf('(question 2 of 14) How clean are the common areas?')).toBe(
      'How clean are the common areas?',
    );
  });

  it('when the time is shown, then it is local time in the format time fields accept', () => {
    expect(templateTime(new Date('2026-11-22T02:05:00Z'), 'Asia/Shanghai')).toBe('2026年11月22日 10:05');
    expect(msUntilQuotaReset(new Date('2026-11-22T02:00:00Z'))).toBe(14 * 3_600_000);
  });

  it('when an outbox purpose is mapped, then surveys, return visits and notices have templates and replies none', () => {
    expect(
      ['survey', 'return_visit', 'announcement', 'notification', 'reply', 'escalation'].map(templateKindOf),
    ).toEqual(['survey', 'return_visit', 'notice', 'notice', undefined, undefined]);
    const data = renderTemplateData(
      { id: 'x'.repeat(12), fields: [...DEFAULT_TEMPLATE_FIELDS, { key: 'thing5', value: 'property' }] },
      {
        kind: 'return_visit',
        text: '您的报修 WO-2026-0001 已处理，问题解决了吗？',
        language: 'en',
        at: new Date('2026-11-22T02:00:00Z'),
        timeZone: 'Asia/Shanghai',
        propertyName: 'Lakeside Garden',
      },
    );
    expect(data).toEqual({
      thing1: { value: 'Service follow-up' },
      thing2: { value: '您的报修 WO-2026-0001 已…' },
      time3: { value: '2026年11月22日 10:00' },
      thing4: { value: 'Reply OK to answer' },
      thing5: { value: 'Lakeside Garden' },
    });
  });

  it('when the catalog is read, then every title and invitation fits a 20-character field', () => {
    const texts = [
      ...Object.values(templateTexts.title),
      ...Object.values(templateTexts.action),
      templateTexts.property,
    ];
    for (const text of texts)
      for (const language of LANGUAGES) expect(Array.from(text[language]).length).toBeLessThanOrEqual(20);
  });

  it('when an owner answers a template, then acknowledgements and numbers are a start, anything else a message of its own', () => {
    expect(['好', '好的！', 'OK', 'ok.', '３', 'yes'].every(isStartReply)).toBe(true);
    expect(['楼道灯坏了', 'the lift is broken', '不好', ''].some(isStartReply)).toBe(false);
  });

  it('when errcodes come back, then each has the meaning the platform gives it, and dead-letter reasons keep their code', () => {
    expect(
      [40001, 42001, 43004, 43101, 40003, 40037, 47003, 45009, -1, 45015, 40164, 99999].map(
        (code) => errcodeMeaning(code).meaning,
      ),
    ).toEqual([
      'token',
      'token',
      'unreachable',
      'unreachable',
      'foreign_openid',
      'template',
      'template',
      'throttled',
      'retry',
      'out_of_window',
      'setup',
      'retry',
    ]);
    expect(reasonCode('wechat_unsubscribed (403): the owner no longer follows')).toBe('wechat_unsubscribed');
    expect(reasonCode('gave up after 8 failed attempts; last: wechat_ip_not_allowed: …')).toBe(
      'wechat_ip_not_allowed',
    );
  });
});

describe('WeChat Official Account configuration', () => {
  it('when the app id, secret and templates are set, then templates are enabled per purpose and the log line says so', () => {
    const config = loadConfig({
      ...OFFICIAL,
      WECHAT_API_ROOT: 'http://127.0.0.1:9/',
      WECHAT_TEMPLATE_SURVEY: 'SurveyTpl_Q1w2E3r4T5y6U7i8O9p0',
      WECHAT_TEMPLATE_NOTICE: 'NoticeTpl_Z1x2C3v4B5n6M7q8W9e0,thing1=title,time2=time',
    });
    expect(config.wechatOfficial).toMatchObject({
      appId: OFFICIAL.WECHAT_APP_ID,
      apiRoot: 'http://127.0.0.1:9',
      templates: {
        survey: { id: 'SurveyTpl_Q1w2E3r4T5y6U7i8O9p0', fields: DEFAULT_TEMPLATE_FIELDS },
        notice: { id: 'NoticeTpl_Z1x2C3v4B5n6M7q8W9e0' },
      },
    });
    expect(config.wechatOfficial?.templates.return_visit).toBeUndefined();
    expect(config.channels.find((status) => status.channel === 'wechat')?.reason).toBe(
      'puppet wechaty-puppet-official-account; Official Account wx1234567890abcdef, templates: survey, notice',
    );
    expect(loadConfig(OFFICIAL).wechatOfficial?.apiRoot).toBe('https://api.weixin.qq.com');
  });

  it('when the settings do not fit together, then every problem is named at once and the secret is never echoed', () => {
    let error: unknown;
    try {
      loadConfig({
        WECHAT_APP_ID: 'wx1234567890abcdef',
        WECHAT_APP_SECRET: 'bad secret!',
        WECHAT_TEMPLATE_SURVEY: 'x',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain(
      'WECHAT_APP_SECRET must be the AppSecret from the Official Account admin console, got the given value',
    );
    expect(problems).toContain('WECHAT_TEMPLATE_SURVEY must start with the template id');
    expect(problems).not.toContain('bad secret!');
    expect(() => loadConfig({ ...OFFICIAL, WECHATY_PUPPET: '' })).toThrow(
      /WECHATY_PUPPET is required when WECHAT_APP_ID is set/,
    );
    expect(() => loadConfig({ WECHAT_TEMPLATE_SURVEY: 'SurveyTpl_Q1w2E3r4T5y6U7i8O9p0' })).toThrow(
      /WECHAT_APP_ID and WECHAT_APP_SECRET are required for WECHAT_API_ROOT and WECHAT_TEMPLATE_\*/,
    );
  });
});
