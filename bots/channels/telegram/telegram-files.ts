import type { Logger } from '../../../services/logging/logger';

/** Photos larger than this are not shown inline (Telegram's own bot download limit is 20 MB). */
const MAX_BYTES = 10 * 1024 * 1024;
const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/**
 * Photos owners sent on Telegram, for the desk to show inline: `getFile` names the file's
 * path, and the Bot API's file root serves its bytes. Nothing is stored; a file Telegram no
 * longer has (or an unknown type) gives undefined.
 */
export function createTelegramFiles(deps: { token: string; apiRoot: string; logger: Logger }) {
  const root = deps.apiRoot.replace(/\/+$/, '');
  return {
    supports: (channel: string) => channel === 'telegram',
    async fetch(channel: string, fileId: string): Promise<{ contentType: string; body: Buffer } | undefined> {
      if (channel !== 'telegram') return undefined;
      try {
        const asked = await fetch(`${root}/bot${deps.token}/getFile`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ file_id: fileId }),
          signal: AbortSignal.timeout(10_000),
        });
        const answer = (await asked.json()) as { ok?: boolean; result?: { file_path?: string } };
        const path = answer.ok ? answer.result?.file_path : undefined;
        const type = path ? TYPES[path.split('.').pop()?.toLowerCase() ?? ''] : undefined;
        if (!path || !type) return undefined;
        const file = await fetch(`${root}/file/bot${deps.token}/${path}`, {
          signal: AbortSignal.timeout(10_000),
        });
        const body = Buffer.from(await file.arrayBuffer());
        return file.ok && body.length <= MAX_BYTES ? { contentType: type, body } : undefined;
      } catch (error) {
        // The token is in the URLs: log what happened, never where.
        deps.logger.warn({ code: (error as { name?: string }).name }, 'Could not fetch a Telegram photo');
        return undefined;
      }
    },
  };
}
