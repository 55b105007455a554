import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import type { Config } from '../config/load-config';
import type { Logger } from '../logging/logger';
import type { Outbox } from '../outbox/outbox';
import { createAccessTokenStore, type AccessTokenSettings } from './access-token';
import { createOfficialAccountApi } from './api';
import { createHeldMessages } from './held-messages';
import { createOfficialSender } from './official-sender';
import { createTemplateFollowUp } from './template-follow-up';

/**
 * The Official Account side of the WeChat channel, built from its configuration: the API
 * client, the shared access token, the sender the adapter uses, the messages held behind
 * templates and the dialog's follow-up when an owner answers one.
 */
export function createWechatOfficial(deps: {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  settings: NonNullable<Config['wechatOfficial']>;
  timeZone: string;
  propertyName?: string;
  outbox: Pick<Outbox, 'enqueueMany'>;
  tokenSettings?: Partial<AccessTokenSettings>;
}) {
  const api = createOfficialAccountApi({
    apiRoot: deps.settings.apiRoot,
    appId: deps.settings.appId,
    appSecret: deps.settings.appSecret,
  });
  const tokens = createAccessTokenStore({
    connection: deps.connection,
    api,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.tokenSettings ? { settings: deps.tokenSettings } : {}),
  });
  const sender = createOfficialSender({
    api,
    tokens,
    clock: deps.clock,
    logger: deps.logger,
    settings: {
      templates: deps.settings.templates,
      timeZone: deps.timeZone,
      ...(deps.propertyName ? { propertyName: deps.propertyName } : {}),
    },
  });
  const held = createHeldMessages({ connection: deps.connection, clock: deps.clock });
  const followUp = createTemplateFollowUp({ held, outbox: deps.outbox });
  return { sender, held, tokens, followUp };
}

export type WechatOfficial = ReturnType<typeof createWechatOfficial>;
