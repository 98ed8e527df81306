import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { toKeyturnLogger } from './keyturn-logger.adapter.js';

/** A LoggerService recording every call with its parameters. */
class CapturingLogger implements LoggerService {
  readonly calls: { level: string; params: unknown[] }[] = [];
  log(...params: unknown[]): void {
    this.calls.push({ level: 'log', params });
  }
  warn(...params: unknown[]): void {
    this.calls.push({ level: 'warn', params });
  }
  error(...params: unknown[]): void {
    this.calls.push({ level: 'error', params });
  }
  debug(...params: unknown[]): void {
    this.calls.push({ level: 'debug', params });
  }
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Lines Nest's ConsoleLogger writes to stdout and stderr while `fn` runs, colours removed. */
function printed(fn: () => void): { stdout: string[]; stderr: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(...String(chunk).replace(ANSI, '').split('\n').filter((l) => l.trim() !== ''));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture(out) as typeof process.stdout.write);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture(err) as typeof process.stderr.write);
  try {
    fn();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return { stdout: out, stderr: err };
}

function logEveryLevel(logger: LoggerService): void {
  const keyturn = toKeyturnLogger(logger);
  keyturn.log('Secret "app/db" rotated', { secretId: 'app/db', versionId: 'v2' });
  keyturn.warn('Optional secret "app/jwt" is not available', { secretId: 'app/jwt' });
  keyturn.error('Secret "app/db" failed validation', { secretId: 'app/db' });
}

describe('toKeyturnLogger', () => {
  it('gives any other LoggerService one object message per call (msg, then the fields) and the Keyturn context last', () => {
    const capturing = new CapturingLogger();
    logEveryLevel(capturing);
    toKeyturnLogger(capturing).debug?.('plain');
    expect(capturing.calls).toEqual([
      { level: 'log', params: [{ msg: 'Secret "app/db" rotated', secretId: 'app/db', versionId: 'v2' }, 'Keyturn'] },
      { level: 'warn', params: [{ msg: 'Optional secret "app/jwt" is not available', secretId: 'app/jwt' }, 'Keyturn'] },
      { level: 'error', params: [{ msg: 'Secret "app/db" failed validation', secretId: 'app/db' }, undefined, 'Keyturn'] },
      { level: 'debug', params: ['plain', 'Keyturn'] },
    ]);
    // A logger that prints strings still gets the readable line.
    expect(String(capturing.calls[0].params[0])).toBe('Secret "app/db" rotated {"secretId":"app/db","versionId":"v2"}');
    expect(JSON.stringify(capturing.calls[0].params[0])).toBe('{"msg":"Secret \\"app/db\\" rotated","secretId":"app/db","versionId":"v2"}');
  });

  it('ConsoleLogger({ json: true }) prints the fields as JSON properties of the message, one line per call', () => {
    const { stdout, stderr } = printed(() => logEveryLevel(new ConsoleLogger({ json: true })));
    expect(stdout).toHaveLength(2);
    expect(JSON.parse(stdout[0])).toMatchObject({
      level: 'log',
      context: 'Keyturn',
      message: { msg: 'Secret "app/db" rotated', secretId: 'app/db', versionId: 'v2' },
    });
    expect(JSON.parse(stdout[1])).toMatchObject({ level: 'warn', context: 'Keyturn', message: { secretId: 'app/jwt' } });
    expect(stderr).toHaveLength(1);
    expect(JSON.parse(stderr[0])).toMatchObject({ level: 'error', context: 'Keyturn', message: { msg: 'Secret "app/db" failed validation', secretId: 'app/db' } });
  });

  it('a Nest Logger follows the application logger at each call: text, then JSON after useLogger', () => {
    const keyturn = new Logger('Keyturn');
    const json = new ConsoleLogger({ json: true });
    const original = (Logger as unknown as { staticInstanceRef: LoggerService }).staticInstanceRef;
    const text = printed(() => toKeyturnLogger(keyturn).log('Secret "app/db" rotated', { secretId: 'app/db' }));
    Logger.overrideLogger(json);
    let structured: { stdout: string[] };
    try {
      structured = printed(() => toKeyturnLogger(keyturn).log('Secret "app/db" rotated', { secretId: 'app/db' }));
    } finally {
      Logger.overrideLogger(original);
    }
    expect(text.stdout).toEqual([expect.stringMatching(/LOG \[Keyturn\] Secret "app\/db" rotated \{"secretId":"app\/db"\}$/)]);
    expect(JSON.parse(structured.stdout[0])).toMatchObject({ context: 'Keyturn', message: { msg: 'Secret "app/db" rotated', secretId: 'app/db' } });
  });

  it('the default Nest Logger("Keyturn") over ConsoleLogger prints exactly one line per message', () => {
    const { stdout, stderr } = printed(() => logEveryLevel(new Logger('Keyturn')));
    expect(stdout).toHaveLength(2);
    expect(stdout[0]).toMatch(/LOG \[Keyturn\] Secret "app\/db" rotated \{"secretId":"app\/db","versionId":"v2"\}$/);
    expect(stdout[1]).toMatch(/WARN \[Keyturn\] Optional secret "app\/jwt" is not available \{"secretId":"app\/jwt"\}$/);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/ERROR \[Keyturn\] Secret "app\/db" failed validation \{"secretId":"app\/db"\}$/);
  });

  it.each([
    ['ConsoleLogger', () => new ConsoleLogger(), 'Keyturn'],
    ['Logger without a context', () => new Logger(), 'Keyturn'],
    ['Logger with its own context', () => new Logger('Secrets'), 'Secrets'],
  ])('%s prints one line per message, with its context', (_kind, create, context) => {
    const { stdout, stderr } = printed(() => logEveryLevel(create()));
    const lines = [...stdout, ...stderr];
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(new RegExp(`(LOG|WARN|ERROR) \\[${context}\\] (Secret|Optional secret) "app/(db|jwt)"`));
    expect(stderr[0]).toMatch(new RegExp(`ERROR \\[${context}\\] Secret "app/db" failed validation`));
  });
});
