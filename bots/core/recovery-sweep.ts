import type { Logger } from '../../services/logging/logger';
import type { InboundPipeline } from './inbound';

/** How often the sweep looks for unhandled messages, at most (once per lease when leases are shorter). */
const SWEEP_EVERY_MS = 15_000;

/**
 * Handles the messages the last run left unhandled, then keeps sweeping for more; returns
 * what stops the sweep. A message taken by an instance that died is only free once its lease
 * ends, often after this instance started; and a store that timed out on our side (the webhook
 * got a 5xx) may still have landed, so the platform's retry is a duplicate nobody handles.
 */
export async function startRecovery(deps: {
  inbound: Pick<InboundPipeline, 'recover' | 'backlog'>;
  logger: Logger;
  leaseMs: number;
}): Promise<() => void> {
  const { inbound, logger } = deps;
  const recovered = await inbound.recover();
  if (recovered > 0) logger.info({ recovered }, 'Handling messages left unhandled by the last run');
  const sweep = setInterval(
    () => {
      // recover() would queue this instance's own backlog a second time.
      if (inbound.backlog > 0) return;
      inbound
        .recover()
        .then((count) => {
          if (count > 0) logger.debug({ recovered: count }, 'Recovery sweep scheduled unhandled messages');
        })
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'Recovery sweep failed; the next one retries'),
        );
    },
    Math.min(deps.leaseMs, SWEEP_EVERY_MS),
  );
  sweep.unref();
  return () => clearInterval(sweep);
}
