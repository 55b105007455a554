import type { FloodGuard } from '../../flood-guard';
import { handled, type Step } from '../turn';

/**
 * A sender (or a whole channel) over its limit has the rest of its messages stored but not
 * handled one by one, with one polite slow-down reply. Emergencies were handled before this.
 */
export function floodGuardStep(flood: FloodGuard): Step {
  return async (turn, next) => {
    turn.result = await flood.handle(turn.message, async () => {
      await next();
      return turn.result ?? handled(turn, 'unhandled');
    });
  };
}
