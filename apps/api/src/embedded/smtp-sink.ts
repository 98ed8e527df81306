import { timingSafeEqual } from 'node:crypto';
import { SMTPServer } from 'smtp-server';

/** A message the sink accepted (headers and size only, bodies are dropped). */
export interface RecordedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly size: number;
  readonly receivedAt: Date;
}

/** Options of {@link SmtpSink}. */
export interface SmtpSinkOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** The only login accepted. */
  readonly username: string;
  /** Passwords accepted right now (asked on every login, so a rotated password is honoured at once). */
  readonly acceptedPasswords: () => Promise<readonly string[]> | readonly string[];
  /** How many recent messages to keep. @default 500 */
  readonly keep?: number;
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A local SMTP server that requires AUTH, records what it receives and delivers nothing. */
export class SmtpSink {
  private server: SMTPServer | undefined;
  private readonly recorded: RecordedMail[] = [];
  private total = 0;
  private refused = 0;
  private boundPort = 0;

  constructor(private readonly options: SmtpSinkOptions) {}

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** Messages accepted since start. */
  get received(): number {
    return this.total;
  }

  /** Logins refused since start. */
  get refusedLogins(): number {
    return this.refused;
  }

  messages(): readonly RecordedMail[] {
    return [...this.recorded];
  }

  async start(): Promise<void> {
    const keep = this.options.keep ?? 500;
    const server = new SMTPServer({
      secure: false,
      // No certificate for a local sink: plain AUTH over loopback.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: false,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      size: 1024 * 1024,
      onAuth: (auth, _session, cb) => {
        Promise.resolve(this.options.acceptedPasswords())
          .then((passwords) => {
            const ok = auth.username === this.options.username && passwords.some((p) => equal(p, auth.password ?? ''));
            if (!ok) {
              this.refused++;
              const err = new Error('Invalid username or password') as Error & { responseCode: number };
              err.responseCode = 535;
              return cb(err);
            }
            cb(null, { user: auth.username });
          })
          .catch((e: unknown) => cb(e instanceof Error ? e : new Error(String(e))));
      },
      onData: (stream, session, cb) => {
        let size = 0;
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (head.length < 8192) head += chunk.toString('utf8');
        });
        stream.on('end', () => {
          const subject = /^subject:\s*(.*)$/im.exec(head.split(/\r?\n\r?\n/)[0] ?? '')?.[1] ?? '';
          this.recorded.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject,
            size,
            receivedAt: new Date(),
          });
          if (this.recorded.length > keep) this.recorded.splice(0, this.recorded.length - keep);
          this.total++;
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    this.server = server;
    const addr = (server as unknown as { server: { address(): { port: number } } }).server.address();
    this.boundPort = addr.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
