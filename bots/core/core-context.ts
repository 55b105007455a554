import type { Connection } from 'mongoose';
import type { Address } from '../../services/channels/types';
import type { Clock } from '../../services/clock';
import type { Config } from '../../services/config/load-config';
import type { Logger } from '../../services/logging/logger';
import type { Metrics } from '../../services/metrics/metrics';
import type { LocalizedText } from '../../services/i18n/text';

/** What every part of the core is built from; read-only once the core starts. */
export interface CoreContext {
  config: Config;
  connection: Connection;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** The staff channel cases are escalated to (Slack's escalation channel); none = staff are not told. */
  staffAddress?: Address;
  /** The property's name from the configuration, in both languages; none = the default office name. */
  propertyName?: LocalizedText;
}

/** The context of a core: the deployment's staff channel and property name read once from `config`. */
export function coreContext(deps: Omit<CoreContext, 'staffAddress' | 'propertyName'>): CoreContext {
  const { config } = deps;
  const name = config.conversation.propertyName;
  return {
    ...deps,
    ...(config.slack?.escalationChannel
      ? { staffAddress: { channel: 'slack', conversationId: config.slack.escalationChannel } }
      : {}),
    ...(name ? { propertyName: { zh: name, en: name } } : {}),
  };
}
