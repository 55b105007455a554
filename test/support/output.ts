import { Writable } from 'node:stream';

/** A stream a command writes its output to, and what it wrote so far: for CLI commands' `out`. */
export function captureOutput(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
}
