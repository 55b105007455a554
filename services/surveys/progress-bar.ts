import type { Writable } from 'node:stream';

/**
 * A progress bar for long operations commands. On a terminal it redraws one line; in a
 * pipe or a log it prints a line at every tenth, so the output stays readable.
 */
export function createProgressBar(out: Writable, label: string, width = 30) {
  const tty = (out as Writable & { isTTY?: boolean }).isTTY === true;
  let lastTenth = -1;
  let finished = false;
  return {
    update(done: number, total: number): void {
      if (finished) return;
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(fraction * width);
      const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total}`;
      if (tty) out.write(`\r${line}`);
      else {
        const tenth = Math.floor(fraction * 10);
        if (tenth !== lastTenth) out.write(`${line}\n`);
        lastTenth = tenth;
      }
      if (done >= total) {
        finished = true;
        if (tty) out.write('\n');
      }
    },
  };
}
