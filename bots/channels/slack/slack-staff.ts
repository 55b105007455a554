import type { webApi } from '@slack/bolt';
import type { Clock } from '../../../services/clock';
import type { Logger } from '../../../services/logging/logger';
import type { Staff } from '../../../services/tickets/ticket-service';

const MEMBERS_CACHE_MS = 5 * 60_000;
const NAMES_CACHE_MS = 60 * 60_000;

/**
 * Who counts as staff on Slack and what they are called: SLACK_STAFF_USER_IDS (plus
 * supervisors) when set, else members of the escalation channel (read once per five
 * minutes); names from the payload, else from `users.info` (cached an hour), else the id.
 */
export function createSlackStaff(deps: {
  client: webApi.WebClient;
  escalationChannel: string;
  staffUserIds: readonly string[];
  supervisorUserIds: readonly string[];
  clock: Clock;
  logger: Logger;
}) {
  let members: { ids: Set<string>; at: number } | undefined;
  const names = new Map<string, { name: string; at: number }>();
  const now = () => deps.clock.now().getTime();

  const isSupervisor = (userId: string) => deps.supervisorUserIds.includes(userId);

  async function isStaff(userId: string): Promise<boolean> {
    if (isSupervisor(userId)) return true;
    if (deps.staffUserIds.length > 0) return deps.staffUserIds.includes(userId);
    if (!members || now() - members.at > MEMBERS_CACHE_MS) {
      const result = await deps.client.conversations.members({
        channel: deps.escalationChannel,
        limit: 1000,
      });
      members = { ids: new Set(result.members ?? []), at: now() };
    }
    return members.ids.has(userId);
  }

  /** The name a person goes by in Slack; their id when Slack does not say. */
  async function nameOf(userId: string, given?: string): Promise<string> {
    if (given) return given;
    const known = names.get(userId);
    if (known && now() - known.at < NAMES_CACHE_MS) return known.name;
    const result = await deps.client.users.info({ user: userId }).catch((error: unknown) => {
      deps.logger.debug({ err: error }, 'Could not read a Slack user name');
      return undefined;
    });
    const profile = result?.user?.profile;
    const name = profile?.display_name || profile?.real_name || result?.user?.name || userId;
    if (names.size > 5000) names.clear();
    names.set(userId, { name, at: now() });
    return name;
  }

  /** The staff member a Slack user is, as the ticket service knows them. */
  async function staffOf(user: { id: string; name?: string; username?: string }): Promise<Staff> {
    return {
      id: user.id,
      name: await nameOf(user.id, user.name ?? user.username),
      supervisor: isSupervisor(user.id),
    };
  }

  return { isStaff, isSupervisor, staffOf };
}

export type SlackStaff = ReturnType<typeof createSlackStaff>;
