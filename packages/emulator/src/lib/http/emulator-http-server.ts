import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Input } from '../api/input.js';
import type { SecretsManagerService } from '../api/secrets-manager.service.js';
import { Errors, ServiceError } from '../errors/service-error.js';
import { FaultSpecError, parseFaultSpec, type FaultInjector, type FaultSpec } from '../faults/fault-injector.js';
import type { RequestCounter, RequestOutcome } from '../metrics/request-counter.js';
import type { QuotaLimiter } from '../quotas/quota-limiter.js';
import type { SigV4Verifier } from './sigv4-verifier.js';

/** Options of the HTTP front end. */
export interface EmulatorHttpServerOptions {
  host: string;
  port: number;
  /** The operations of a region, or undefined for a region this emulator does not serve. */
  serviceFor: (region: string) => SecretsManagerService | undefined;
  /** Region of requests whose Authorization header names none. */
  defaultRegion: string;
  faults: FaultInjector;
  /** AWS's request-rate quotas, when that mode is on. */
  quotas?: QuotaLimiter;
  verifier?: SigV4Verifier;
  /** One line per request (operation, secret id, status, latency); never values. */
  log?: (msg: string) => void;
  /** Counts API requests by region, operation and outcome. */
  requests?: RequestCounter;
  /**
   * Largest request body accepted, in bytes. 65,536-character values escaped as `\uXXXX` plus
   * JSON overhead stay well below it.
   * @default 1048576
   */
  maxBodyBytes?: number;
  /**
   * Host header names accepted besides `localhost`, `127.0.0.1` and `[::1]` when the Host
   * check is on. Undefined turns the check off.
   */
  allowedHosts?: readonly string[];
  /** Serve the admin route to non-loopback clients too. @default false */
  adminFromAnyAddress?: boolean;
  /** Longest outage the admin route sets, and the length of one set without `durationMs`. @default 60000 */
  maxOutageMs?: number;
  /** Time allowed to receive a whole request. @default 30000 */
  requestTimeoutMs?: number;
  /** Time allowed to receive the request headers. @default 10000 */
  headersTimeoutMs?: number;
  /** Open connections beyond this are closed at once. @default 512 */
  maxConnections?: number;
}

const JSON_TYPE = 'application/x-amz-json-1.1';
const ACCEPTED_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);
const TARGET_PREFIX = 'secretsmanager.';
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True for an address of the loopback interface (IPv4, IPv6 or IPv4-mapped IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  return a === '::1' || a === 'localhost' || /^127(\.\d{1,3}){3}$/.test(a);
}

/** The host name of a Host header, without port, lower-cased (`[::1]:4583` gives `[::1]`). */
export function hostName(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** How the request counter sorts a request: by its status and the error code written to the log. */
function requestOutcome(status: number, outcome: string): RequestOutcome {
  if (outcome === ' ThrottlingException') return 'throttled';
  return status >= 200 && status < 300 && outcome === '' ? 'ok' : 'error';
}

/** The region of the SigV4 credential scope in an Authorization header, if any. */
export function scopeRegion(authorization: string | undefined): string | undefined {
  const m = /Credential=[^/,\s]*\/\d{8}\/([^/,\s]+)\//.exec(authorization ?? '');
  return m?.[1];
}

/** Decodes UTF-8 strictly: undefined when the bytes are not valid UTF-8. */
function decodeUtf8(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

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
  private readonly allowedHosts: Set<string> | undefined;

  constructor(private readonly options: EmulatorHttpServerOptions) {
    this.maxBody = options.maxBodyBytes ?? 1024 * 1024;
    this.allowedHosts = options.allowedHosts ? new Set([...LOOPBACK_HOSTS, ...options.allowedHosts.map((h) => hostName(h))]) : undefined;
    const requestTimeout = options.requestTimeoutMs ?? 30_000;
    const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
    this.server = createServer(
      {
        keepAliveTimeout: 5000,
        requestTimeout,
        headersTimeout,
        // How often Node looks for requests past their timeouts (its default is 30 s).
        connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
      },
      (req, res) => void this.handle(req, res),
    );
    this.server.maxConnections = options.maxConnections ?? 512;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
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
    /** Region and operation of an API request, once both are known (what the request counter counts). */
    let counted: { region: string; operation: string } | undefined;
    req.on('error', () => undefined);
    try {
      if (this.allowedHosts && !this.allowedHosts.has(hostName(req.headers.host))) {
        // A page on another site that rebinds its DNS name to 127.0.0.1 still sends its own Host.
        outcome = ' foreign Host';
        this.send(res, 403, requestId, { __type: 'AccessDeniedException', message: 'The Host header names neither a loopback address nor an allowed host name (see allowedHosts).' }, { Connection: 'close' });
        return;
      }
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
      const region = scopeRegion(req.headers.authorization) ?? this.options.defaultRegion;
      const service = this.options.serviceFor(region);
      if (!service) throw new ServiceError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region.slice(0, 64)}'.`, 403);
      const targetHeader = req.headers['x-amz-target'];
      const name = typeof targetHeader === 'string' && targetHeader.startsWith(TARGET_PREFIX) ? targetHeader.slice(TARGET_PREFIX.length) : undefined;
      const handler = name !== undefined && Object.hasOwn(service.operations, name) ? service.operations[name] : undefined;
      if (req.method !== 'POST' || !handler || name === undefined) throw Errors.unknownOperation();
      operation = name;
      counted = { region, operation: name };
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!ACCEPTED_TYPES.has(contentType)) {
        throw Errors.unknownOperation(`The content type '${contentType || 'none'}' is not supported; send ${JSON_TYPE}.`);
      }
      if (this.options.verifier) {
        await this.options.verifier.verify({ method: req.method, url: req.url ?? '/', headers: req.headers, body });
      }
      if (this.options.quotas && !this.options.quotas.take(name, region)) throw Errors.throttling();
      const fault = this.options.faults.decide(name, region);
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.reset) {
        outcome = ' reset (injected)';
        req.socket.destroy();
        return;
      }
      if (fault.throttle) throw Errors.throttling();
      if (fault.serverError) throw Errors.internal('An error occurred on the server side (injected).');
      let parsed: unknown;
      const text = decodeUtf8(body);
      if (text === undefined) throw Errors.serialization('The request body is not valid UTF-8.');
      try {
        parsed = body.length === 0 ? {} : JSON.parse(text);
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
      if (counted) this.options.requests?.record(counted.region, counted.operation, requestOutcome(res.statusCode, outcome));
      const ms = (performance.now() - started).toFixed(1);
      this.options.log?.(`${operation} ${target} ${res.statusCode}${outcome} ${ms}ms`);
    }
  }

  private adminError(res: ServerResponse, requestId: string, status: number, code: string, message: string): void {
    this.send(res, status, requestId, { __type: code, message });
  }

  private async admin(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (!this.options.adminFromAnyAddress && !isLoopbackAddress(req.socket.remoteAddress)) {
      return this.adminError(res, requestId, 403, 'AccessDeniedException', 'The admin route answers loopback clients only (see adminFromAnyAddress).');
    }
    if (req.headers.origin !== undefined) {
      return this.adminError(res, requestId, 403, 'AccessDeniedException', 'The admin route does not answer requests from web pages (Origin header present).');
    }
    const raw = await this.readBody(req);
    if (raw === undefined) return this.adminError(res, requestId, 413, 'RequestEntityTooLargeException', `Request body is larger than ${this.maxBody} bytes.`);
    if (this.options.verifier) {
      try {
        await this.options.verifier.verify({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: raw });
      } catch (e) {
        const err = e instanceof ServiceError ? e : Errors.internal();
        return this.adminError(res, requestId, err.status === 400 ? 403 : err.status, err.code, `${err.message} The admin route needs a SigV4 signature (service secretsmanager) while SigV4 is on.`);
      }
    }
    if (path !== '/_keyturn/faults') return this.adminError(res, requestId, 404, 'NotFound', `No admin route ${path}`);
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
    if (req.method !== 'POST') return this.adminError(res, requestId, 405, 'MethodNotAllowed', 'Use GET, POST or DELETE.');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json') {
      return this.adminError(res, requestId, 415, 'UnsupportedMediaType', 'The admin route takes Content-Type: application/json only.');
    }
    let spec: FaultSpec;
    try {
      const text = decodeUtf8(raw);
      if (text === undefined) throw new Error('not UTF-8');
      spec = parseFaultSpec(JSON.parse(text));
    } catch (e) {
      const detail = e instanceof FaultSpecError ? ` ${e.message}` : '';
      return this.adminError(res, requestId, 400, 'SerializationException', `Send a JSON object such as {"operation":"GetSecretValue","throttle":true}.${detail}`);
    }
    const maxOutage = this.options.maxOutageMs ?? 60_000;
    if (spec.outage === true) {
      // Set from outside, an outage always ends by itself: the admin route itself is down meanwhile.
      if (spec.durationMs === undefined) spec.durationMs = maxOutage;
      if (spec.durationMs > maxOutage) {
        return this.adminError(res, requestId, 400, 'InvalidParameterException', `An outage set over the admin route lasts at most ${maxOutage} ms (durationMs).`);
      }
    }
    // Answer first: an outage closes this very connection.
    this.send(res, 200, requestId, { faults: [...this.options.faults.list().filter((f) => f.operation !== spec.operation || f.region !== spec.region), spec] });
    res.on('finish', () => this.options.faults.set(spec));
  }
}
