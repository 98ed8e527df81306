import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ServiceError } from '../errors/service-error.js';

/** An access key the emulator accepts. */
export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The parts of a received request a signature covers. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SERVICE = 'secretsmanager';
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTH = /^AWS4-HMAC-SHA256 (.+)$/;

const incomplete = (msg: string) => new ServiceError('IncompleteSignature', msg, 400);
const invalidSignature = (msg: string) => new ServiceError('InvalidSignatureException', msg, 403);

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Verifies AWS Signature Version 4 on a received request: the signature is computed again with
 * the AWS signer library over the headers the client signed, and compared in constant time.
 * The credential scope must name this region and `secretsmanager`, and the request date must be
 * within 15 minutes of the server clock.
 */
export class SigV4Verifier {
  /** One signer per access key, so the derived signing keys are cached across requests. */
  private readonly signers: Map<string, SignatureV4>;

  constructor(
    credentials: readonly EmulatorCredentials[],
    /** The regions served: a request scoped to another region is refused. */
    private readonly servesRegion: (region: string) => boolean,
    private readonly clock: () => number = Date.now,
  ) {
    this.signers = new Map(
      credentials.map((c) => [
        c.accessKeyId,
        new SignatureV4({ credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, region: 'us-east-1', service: SERVICE, sha256: Sha256, applyChecksum: false }),
      ]),
    );
  }

  /** Resolves when the request is correctly signed; rejects with the error AWS answers otherwise. */
  async verify(req: ReceivedRequest): Promise<void> {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    }
    const m = AUTH.exec(header);
    if (!m) throw incomplete(`Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${header.split(' ')[0]}`);
    const parts = new Map<string, string>();
    for (const p of m[1]!.split(',')) {
      const eq = p.indexOf('=');
      if (eq > 0) parts.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    }
    const credential = parts.get('Credential');
    const signedHeaders = parts.get('SignedHeaders');
    const signature = parts.get('Signature');
    if (!credential || !signedHeaders || !signature) {
      throw incomplete("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
    }
    const [accessKeyId, day, scopeRegion, scopeService, terminator, ...extra] = credential.split('/');
    if (!accessKeyId || !day || !scopeRegion || !scopeService || terminator !== 'aws4_request' || extra.length > 0) {
      throw incomplete(`Credential should be scoped to a valid region, service and aws4_request. Credential=${accessKeyId ?? ''}/...`);
    }
    const amzDate = req.headers['x-amz-date'];
    if (typeof amzDate !== 'string') throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    const date = parseAmzDate(amzDate);
    if (!date) throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
    const signer = this.signers.get(accessKeyId);
    if (signer === undefined) throw new ServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
    if (scopeService !== SERVICE) throw invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'.`);
    if (!this.servesRegion(scopeRegion)) throw invalidSignature(`Credential should be scoped to a valid region, not '${scopeRegion}'.`);
    if (day !== amzDate.slice(0, 8)) throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${amzDate.slice(0, 8)}'.`);
    const now = this.clock();
    if (Math.abs(now - date.getTime()) > MAX_SKEW_MS) {
      throw invalidSignature(`Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes of the server time.`);
    }
    const names = signedHeaders.split(';').map((h) => h.trim().toLowerCase());
    if (!names.includes('host')) throw invalidSignature("'Host' must be a signed header.");
    const bodyHash = createHash('sha256').update(req.body).digest('hex');
    const claimed = req.headers['x-amz-content-sha256'];
    // Secrets Manager signs the payload: with UNSIGNED-PAYLOAD a captured request could be
    // replayed with any body, so only the body's own hash (or no header) is accepted.
    if (claimed !== undefined && claimed !== bodyHash) {
      throw invalidSignature('The provided x-amz-content-sha256 header does not match what was computed.');
    }
    const headers: Record<string, string> = {};
    for (const name of names) {
      const v = req.headers[name];
      if (v === undefined) throw invalidSignature(`The signed header '${name}' is not present in the request.`);
      headers[name] = Array.isArray(v) ? v.join(',') : v;
    }
    const url = new URL(req.url, 'http://placeholder');
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const request = new HttpRequest({
      method: req.method,
      protocol: 'http:',
      hostname: (headers.host ?? '').split(':')[0] ?? '',
      path: url.pathname,
      query,
      headers,
      body: req.body,
    });
    const signed = await signer.sign(request, {
      signingDate: date,
      signableHeaders: new Set(names),
      signingRegion: scopeRegion,
      signingService: SERVICE,
    });
    const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? signed.headers.Authorization ?? ''))?.[1] ?? '';
    const a = Buffer.from(expected, 'utf8');
    const b = Buffer.from(signature, 'utf8');
    const ok = a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
    if (!ok) {
      throw invalidSignature(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
  }
}
