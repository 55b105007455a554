import {
  CUSTOMER_SERVICE_WINDOW_MS,
  inCustomerServiceWindow,
} from '../../../bots/channels/wechat/wechat-window';

const now = new Date(Date.UTC(2026, 10, 22, 12, 0));
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("WeChat's 48-hour customer-service window", () => {
  it('when the owner wrote 48 hours ago to the millisecond, then a free message may still go', () => {
    expect(inCustomerServiceWindow(ago(CUSTOMER_SERVICE_WINDOW_MS), now)).toBe(true);
  });

  it('when the owner wrote longer ago, then only a template may go', () => {
    expect(inCustomerServiceWindow(ago(CUSTOMER_SERVICE_WINDOW_MS + 1), now)).toBe(false);
  });

  it('when the owner never wrote, then only a template may go', () => {
    expect(inCustomerServiceWindow(undefined, now)).toBe(false);
  });
});
