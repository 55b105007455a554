import { inOwnerScript, outboundInScript } from '../../../services/i18n/script';

describe("replies in the owner's script", () => {
  it('when the owner writes Traditional characters, then the text and its buttons are Traditional', () => {
    const rendered = outboundInScript(
      {
        text: '已收到您的报修（编号 {reference}）。',
        language: 'zh',
        buttons: [{ label: '我的工单', action: 'menu:cases' }],
      },
      'Hant',
    );
    expect(rendered).toEqual({
      text: '已收到您的報修（編號 {reference}）。',
      language: 'zh',
      buttons: [{ label: '我的工單', action: 'menu:cases' }],
    });
  });

  it('when the owner writes Simplified characters or English, then the reply is unchanged', () => {
    const message = { text: '已收到您的报修。', language: 'zh' as const };
    expect(outboundInScript(message, 'Hans')).toBe(message);
    expect(outboundInScript(message, undefined)).toBe(message);
    const english = { text: 'Repair received.', language: 'en' as const };
    expect(outboundInScript(english, 'Hant')).toBe(english);
  });

  it('when a text has no Chinese, then nothing is converted', () => {
    expect(inOwnerScript('WO-2611-0001 👍', 'Hant')).toBe('WO-2611-0001 👍');
  });
});
