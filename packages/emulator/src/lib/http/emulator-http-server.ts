import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Input } from '../api/input.js';
import type { SecretsManagerService } from '../api/secrets-manager.service.js';
import { Errors, ServiceError } from '../errors/service-error.js';
import type { FaultInjector, FaultSpec } from '../faults/fault-injector.js';
import type { SigV4Verifier } from './sigv4-verifier.js';

/** Options of the HTTP front end. */
export interface EmulatorHttpServerOptions {
  host: string;
  port: number;
  service: SecretsManagerService;
  faults: FaultInjector;
  verifier?: SigV4Verifier;
  /** One line per request (operation, secret id, status, latency); never values. */
  log?: (msg: string) => void;
  /**
   * Largest request body accepted, in bytes. 65,536-character values escaped as `\uXXXX` plus
   * JSON overhead stay well below it.
   * @default 1048576
   */
  maxBodyBytes?: number;
}

const JSON_TYPE = 'application/x-amz-json-1.1';
const ACCEPTED_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);
const TARGET_PREFIX = 'secretsmanager.';

/** The secret a request is about, for the log line (never a value). */
function describeTarget(body: unknown): string {
  if (body === null || typeof body !== 'object') return '-';
  const b = body as Record<string, unknown>;
  if (typeof b.SecretId === 'string') return b.SecretId.slice(0, 256);
  if (typeof b.Name === 'string') return b.Name.slice(0, 256);
  if (Array.isArray(b.SecretIdList)) return `[${b.SecretIdList.length} ids]`;
  return '-';
}

/**
 * The awsJson1_1 HTTP front end: `POST /` with `X-Amz-Target: secretsmanager.<Operation>`,
 * body limits enforced while streaming, SigV4 checked when configured, injected faults applied,
 * errors answered as `{"__type", "message"}` with `X-Amzn-ErrorType`. Also serves the admin
 * route `/_keyturn/faults`.
 */
export class EmulatorHttpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private listening = false;
  private stopped = false;
  private boundPort = 0;
  private transition: Promise<void> = Promise.resolve();
  private readonly maxBody: number;

  constructor(private readonly options: EmulatorHttpServerOptions) {
    this.maxBody = options.maxBodyBytes ?? 1024 * 1024;
    this.server = createServer({ keepAliveTimeout: 5000 }, (req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy(err);
    });
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<number> {
    const port = this.boundPort || this.options.port;
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          const onError = (e: Error) => reject(e);
          this.server.once('error', onError);
          this.server.listen(port, this.options.host, () => {
            this.server.off('error', onError);
            resolve();
          });
        });
        break;
      } catch (e) {
        // Re-listening after an outage can briefly race the old socket; retry a few times.
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || this.boundPort === 0 || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.boundPort = addr.port;
    this.listening = true;
    return this.boundPort;
  }

  /** Stops accepting connections and drops open ones (connection refused / reset for clients). */
  async unlisten(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.transition.catch(() => undefined);
    await this.unlisten();
  }

  /**
   * Whole-endpoint outage: close the listener, and re-open it on the same port when cleared.
   * Transitions run one after the other so a quick set/clear cannot interleave.
   */
  setOutage(outage: boolean): Promise<void> {
    this.transition = this.transition
      .catch(() => undefined)
      .then(async () => {
        if (this.stopped) return;
        if (outage) await this.unlisten();
        else if (!this.listening) await this.listen();
      });
    return this.transition;
  }

  /** The body, or undefined as soon as it is known to exceed the limit (the rest is not read). */
  private async readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBody) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBody) return undefined;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  private send(res: ServerResponse, status: number, requestId: string, body: unknown, extra: Record<string, string> = {}): void {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': JSON_TYPE,
      'Content-Length': Buffer.byteLength(payload),
      'x-amzn-RequestId': requestId,
      ...extra,
    });
    res.end(payload);
  }

  private sendError(res: ServerResponse, requestId: string, err: ServiceError, close = false): void {
    this.send(res, err.status, requestId, { __type: err.code, message: err.message }, { 'X-Amzn-ErrorType': err.code, ...(close ? { Connection: 'close' } : {}) });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    let operation = '-';
    let target = '-';
    let outcome = '';
    req.on('error', () => undefined);
    try {
      if ((req.url ?? '/').startsWith('/_keyturn/')) {
        operation = `admin ${req.method ?? ''} ${req.url ?? ''}`;
        await this.admin(req, res, requestId);
        return;
      }
      const body = await this.readBody(req);
      if (body === undefined) {
        // Answer at once and close: the rest of the body is never read.
        const err = Errors.tooLarge(this.maxBody);
        outcome = ` ${err.code}`;
        this.sendError(res, requestId, err, true);
        const socket = req.socket;
        res.on('finish', () => socket?.destroySoon());
        return;
      }
      const targetHeader = req.headers['x-amz-target'];
      const name = typeof targetHeader === 'string' && targetHeader.startsWith(TARGET_PREFIX) ? targetHeader.slice(TARGET_PREFIX.length) : undefined;
      const handler = name !== undefined && Object.hasOwn(this.options.service.operations, name) ? this.options.service.operations[name] : undefined;
      if (req.method !== 'POST' || !handler || name === undefined) throw Errors.unknownOperation();
      operation = name;
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!ACCEPTED_TYPES.has(contentType)) {
        throw Errors.unknownOperation(`The content type '${contentType || 'none'}' is not supported; send ${JSON_TYPE}.`);
      }
      if (this.options.verifier) {
        await this.options.verifier.verify({ method: req.method, url: req.url ?? '/', headers: req.headers, body });
      }
      const fault = this.options.faults.decide(name);
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.reset) {
        outcome = ' reset (injected)';
        req.socket.destroy();
        return;
      }
      if (fault.throttle) throw Errors.throttling();
      if (fault.serverError) throw Errors.internal('An error occurred on the server side (injected).');
      let parsed: unknown;
      try {
        parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw Errors.serialization('The request body is not valid JSON.');
      }
      target = describeTarget(parsed);
      const result = handler(Input.of(parsed));
      this.send(res, 200, requestId, result);
    } catch (e) {
      const err = e instanceof ServiceError ? e : Errors.internal();
      if (!(e instanceof ServiceError)) outcome = ` (${(e as Error)?.name ?? 'Error'})`;
      else outcome = ` ${err.code}`;
      if (!res.headersSent && !res.destroyed) this.sendError(res, requestId, err);
    } finally {
      const ms = (performance.now() - started).toFixed(1);
      this.options.log?.(`${operation} ${target} ${res.statusCode}${outcome} ${ms}ms`);
    }
  }

  private async admin(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/_keyturn/faults') {
      this.send(res, 404, requestId, { __type: 'NotFound', message: `No admin route ${path}` });
      return;
    }
    if (req.method === 'GET') {
      this.send(res, 200, requestId, { faults: this.options.faults.list() });
      return;
    }
    if (req.method === 'DELETE') {
      const op = new URL(req.url ?? '', 'http://x').searchParams.get('operation') ?? undefined;
      this.send(res, 200, requestId, {});
      this.options.faults.clear(op);
      return;
    }
    if (req.method !== 'POST') {
      this.send(res, 405, requestId, { __type: 'MethodNotAllowed', message: 'Use GET, POST or DELETE.' });
      return;
    }
    let spec: FaultSpec;
    try {
      const raw = await this.readBody(req);
      if (raw === undefined) throw new Error('too large');
      spec = JSON.parse(raw.toString('utf8')) as FaultSpec;
      if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('not an object');
    } catch {
      this.send(res, 400, requestId, { __type: 'SerializationException', message: 'Send a JSON object such as {"operation":"GetSecretValue","throttle":true}.' });
      return;
    }
    // Answer first: an outage closes this very connection.
    this.send(res, 200, requestId, { faults: [...this.options.faults.list().filter((f) => f.operation !== spec.operation), spec] });
    res.on('finish', () => this.options.faults.set(spec));
  }
}
