import { Writable } from 'node:stream';
import { createLogger, maskPhone, scrubSecrets } from '../../../services/logging/logger';

function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logger', () => {
  it('when a log line carries tokens or phones in fields, then they are redacted', () => {
    const { lines, logger } = captureLogs();
    logger.info(
      { owner: { phone: '13812345678' }, telegram: { token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' } },
      'x',
    );
    const text = lines.join('');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(text).toContain('[redacted]');
  });

  it('when an error message contains a bot URL, then the token is scrubbed', () => {
    const { lines, logger } = captureLogs();
    logger.error(
      { err: new Error('fetch https://api.telegram.org/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ/getMe') },
      'x',
    );
    expect(lines.join('')).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  });

  it('when free text has a Slack token or database password, then scrubSecrets removes them', () => {
    expect(scrubSecrets('token xoxb-123-456-abc and mongodb://user:pw@db:27017/x')).toBe(
      'token [redacted-slack-token] and mongodb://[redacted]@db:27017/x',
    );
  });

  it('when a phone is masked, then only the last four digits remain', () => {
    expect(maskPhone('+86 138-1234-5678')).toBe('*******5678');
    expect(maskPhone('12')).toBe('**');
    expect(maskPhone(undefined)).toBe('');
  });
});
