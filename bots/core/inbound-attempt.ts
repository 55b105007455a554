import type { Logger } from '../../services/logging/logger';
import type { Claim, HandlingLease, HandlingResult } from '../../services/messages/handling-lease';
import type { MessageRecord } from '../../services/messages/message-model';

/**
 * One attempt at a stored message: nothing happens unless the message is free and this
 * holder wins it, or this holder took it on arrival (`taken`) and still holds it. A handler
 * error hands the message back and is rethrown; an outcome reached after the lease ended is
 * left to the holder that took the message over.
 */
export async function attemptHandling(
  ctx: {
    lease: Pick<HandlingLease, 'claim' | 'keep' | 'handBack' | 'settle'>;
    handle: (message: MessageRecord) => Promise<HandlingResult>;
    logger: Logger;
  },
  id: unknown,
  taken?: Claim,
): Promise<void> {
  const claim = taken ? await ctx.lease.keep(taken) : await ctx.lease.claim(id);
  if (!claim) return;
  let result: HandlingResult;
  try {
    result = await ctx.handle(claim.record);
  } catch (error) {
    await ctx.lease.handBack(claim, error).catch(() => undefined);
    throw error;
  }
  if (!(await ctx.lease.settle(claim, result)))
    ctx.logger.warn(
      { messageId: String(claim.record._id), attempt: claim.attempt },
      'Message handled after its lease ended; the holder that took it over records the outcome',
    );
}
