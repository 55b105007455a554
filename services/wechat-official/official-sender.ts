import type { Clock } from '../clock';
import { ChannelError } from '../errors';
import type { Language } from '../i18n/text';
import type { Logger } from '../logging/logger';
import type { OfficialAccountApi } from './api';
import type { AccessTokenStore } from './access-token';
import { msUntilQuotaReset } from './errcodes';
import { renderTemplateData, templateKindOf, type TemplateKind, type TemplateSpec } from './template-render';
import { withToken } from './with-token';

export interface OfficialSenderSettings {
  templates: Partial<Record<TemplateKind, TemplateSpec>>;
  /** Time zone of the time shown in templates. */
  timeZone: string;
  propertyName?: string;
}

/**
 * Sends through the Official Account API with the shared access token: a refused token is
 * replaced once (by one instance for all) and the call repeated; every other refusal becomes
 * the `ChannelError` the outbox classifies (errcodes.ts). After a 45009 (the day's template
 * quota) this instance sends no template until midnight Beijing time and fails them at once.
 */
export function createOfficialSender(deps: {
  api: Pick<OfficialAccountApi, 'sendTemplate' | 'sendText'>;
  tokens: Pick<AccessTokenStore, 'current' | 'replaceRefused'>;
  clock: Clock;
  logger: Logger;
  settings: OfficialSenderSettings;
}) {
  const log = deps.logger.child({ component: 'wechat-official' });
  let quotaFailure: { until: number; error: ChannelError } | undefined;
  const tokenDeps = { tokens: deps.tokens, clock: deps.clock, log };

  return {
    /** Whether outreach of this outbox purpose has a template configured. */
    hasTemplate(purpose: string): boolean {
      const kind = templateKindOf(purpose);
      return kind !== undefined && deps.settings.templates[kind] !== undefined;
    },

    /** A customer-service text (within the owner's 48-hour window; else `wechat_template_required`). */
    async sendText(openid: string, text: string): Promise<void> {
      await withToken(
        tokenDeps,
        (token) => deps.api.sendText(token, openid, text),
        'customer-service message',
      );
    },

    /** The template message standing in for `text`; returns the platform's msgid. */
    async sendTemplate(
      openid: string,
      input: { purpose: string; text: string; language: Language },
    ): Promise<{ msgid: string }> {
      const kind = templateKindOf(input.purpose);
      const spec = kind ? deps.settings.templates[kind] : undefined;
      if (!kind || !spec)
        throw new ChannelError('wechat_template_required', `no template configured for ${input.purpose}`, {
          kind: 'rejected',
          status: 403,
        });
      const now = deps.clock.now();
      if (quotaFailure && now.getTime() < quotaFailure.until) throw quotaFailure.error;
      const data = renderTemplateData(spec, {
        kind,
        text: input.text,
        language: input.language,
        at: now,
        timeZone: deps.settings.timeZone,
        ...(deps.settings.propertyName ? { propertyName: deps.settings.propertyName } : {}),
      });
      try {
        return await withToken(
          tokenDeps,
          (token) => deps.api.sendTemplate(token, { touser: openid, template_id: spec.id, data }),
          `template ${spec.id} for ${kind}`,
        );
      } catch (error) {
        if (error instanceof ChannelError && error.code === 'wechat_quota_reached') {
          quotaFailure = { until: now.getTime() + msUntilQuotaReset(now), error };
          log.warn(
            { until: new Date(quotaFailure.until).toISOString() },
            'WeChat template quota reached for today',
          );
        }
        throw error;
      }
    },
  };
}

export type OfficialSender = ReturnType<typeof createOfficialSender>;
