import { createFakeClock } from '../../services/clock';
import { createHealthTracker } from '../../services/metrics/health';

describe('health tracker', () => {
  it('when a channel fails three sends in a row, then it is failing until one succeeds; one 429 is not an outage', () => {
    const clock = createFakeClock('2026-11-22T02:00:00Z');
    const health = createHealthTracker({ clock });
    health.channelEnabled('telegram');
    expect(health.snapshot().channels.telegram?.status).toBe('idle');
    health.sendFailed('telegram', 'rate_limited');
    expect(health.snapshot()).toMatchObject({ degraded: false, channels: { telegram: { status: 'idle' } } });
    health.sendFailed('telegram', 'network');
    health.sendFailed('telegram', 'network');
    expect(health.snapshot()).toMatchObject({
      degraded: true,
      channels: { telegram: { status: 'failing', lastFailure: 'network', consecutiveFailures: 3 } },
    });
    health.sendSucceeded('telegram');
    expect(health.snapshot()).toMatchObject({ degraded: false, channels: { telegram: { status: 'ok' } } });
  });

  it('when a job misses two periods, then it is late; a failed run is failing; a good run clears both', () => {
    const clock = createFakeClock('2026-11-22T02:00:00Z');
    const health = createHealthTracker({ clock });
    health.jobScheduled('sla', 60_000);
    expect(health.snapshot().scheduler.sla?.status).toBe('waiting');
    clock.advance(3 * 60_000 + 1);
    expect(health.snapshot()).toMatchObject({ degraded: true, scheduler: { sla: { status: 'late' } } });
    health.jobRan('sla', 'failed');
    expect(health.snapshot().scheduler.sla?.status).toBe('failing');
    health.jobRan('sla', 'ok');
    expect(health.snapshot()).toMatchObject({ degraded: false, scheduler: { sla: { status: 'ok' } } });
  });
});
