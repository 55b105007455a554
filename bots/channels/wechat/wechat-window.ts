import { ChannelError } from '../../../services/errors';

/**
 * WeChat's customer-service rule: a business may message someone freely only within 48
 * hours of that person's last message; after that only an approved template message may go.
 */
export const CUSTOMER_SERVICE_WINDOW_MS = 48 * 60 * 60_000;

/** Whether a free message may still go: the owner wrote within the window before `now`. */
export function inCustomerServiceWindow(lastInboundAt: Date | undefined, now: Date): boolean {
  return !!lastInboundAt && now.getTime() - lastInboundAt.getTime() <= CUSTOMER_SERVICE_WINDOW_MS;
}

/** The refusal of a send outside the window that no template can carry; `why` names what is missing. */
export function templateRequired(why: string): ChannelError {
  return new ChannelError(
    'wechat_template_required',
    `The owner has not written for over 48 hours and WeChat only allows a template message now; ${why}`,
    { kind: 'rejected', status: 403 },
  );
}
