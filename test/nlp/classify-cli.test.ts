import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const KEYS = ['text', 'language', 'intent', 'confidence', 'fallback', 'category', 'emergency'];

/** Runs `npx tsx nlp/cli/classify.ts` with `input` on stdin; resolves with its stdout lines and exit code. */
function classify(input: string): Promise<{ lines: string[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'nlp/cli/classify.ts'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ lines: stdout.split('\n').slice(0, -1), code, stderr }));
    child.stdin.end(input);
  });
}

describe('npm run -s classify', () => {
  it('when fed mixed lines, then exactly one JSON line per input line, in order, and nothing else', async () => {
    const long = `The lift is broken ${'again and again '.repeat(700)}`.slice(0, 10_000);
    const input = [
      'The corridor light on floor 5 is broken, please fix it',
      '',
      '物业费怎么交？',
      JSON.stringify({ text: 'Help! We are trapped in the lift', channel: 'telegram' }),
      '{"text": "unterminated',
      long,
      '{"message": "no text field"}',
      '   ',
      '[1, 2, 3]',
    ];
    const { lines, code } = await classify(`${input.join('\n')}\n`);

    expect(code).toBe(0);
    expect(lines).toHaveLength(input.length);
    const outputs = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const [i, output] of outputs.entries()) {
      if ('error' in output) {
        expect(Object.keys(output)).toEqual(['error']);
        expect(typeof output.error).toBe('string');
      } else {
        expect(Object.keys(output)).toEqual(KEYS);
        expect(typeof output.confidence).toBe('number');
        expect(typeof output.emergency).toBe('boolean');
        expect(['zh', 'zh-Hant', 'yue', 'en', 'mixed']).toContain(output.language);
        expect(output.text).toBe(i === 3 ? 'Help! We are trapped in the lift' : input[i]);
      }
    }
    expect(outputs[0]).toMatchObject({ intent: 'help_seeking', category: 'equipment', emergency: false });
    expect(outputs[1]).toMatchObject({ text: '', intent: 'other', fallback: true, emergency: false });
    expect(outputs[2]).toMatchObject({ language: 'zh', intent: 'consulting', category: 'fees' });
    expect(outputs[3]).toMatchObject({ emergency: true });
    expect(outputs[4]).toEqual({ error: expect.stringContaining('invalid JSON') });
    expect(outputs[5]).toMatchObject({ language: 'en', emergency: false });
    expect(outputs[6]).toEqual({ error: 'a JSON line needs a string "text" field' });
  });

  it('when fed many lines at once, then it streams one line per input line', async () => {
    const count = 20_000;
    const input = Array.from({ length: count }, (_, i) =>
      i % 2 === 0 ? `Water is leaking from the ceiling of room ${i}` : `请问${i}号车位多少钱一个月？`,
    ).join('\n');
    const { lines, code } = await classify(input);

    expect(code).toBe(0);
    expect(lines).toHaveLength(count);
    expect(JSON.parse(lines[count - 1] as string)).toMatchObject({ language: 'zh', intent: 'consulting' });
  });

  it('when stdin is empty, then no output and success', async () => {
    const { lines, code } = await classify('');
    expect(code).toBe(0);
    expect(lines).toEqual([]);
  });
});
