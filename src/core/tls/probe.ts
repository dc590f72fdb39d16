/**
 * One TLS handshake with a server, to look at it and nothing more: the certificate chain it sends
 * (fetched with `rejectUnauthorized: false`, since the point is to look at what we may not trust yet,
 * and with an empty CA list so Node adds no issuer of its own to the chain), the protocol it agrees to,
 * and whether it asks for a client certificate. TLS 1.2 handshake records travel in the clear, so a tap
 * on the TCP stream reads the server's Certificate and CertificateRequest messages (RFC 5246 §7.4.2,
 * §7.4.4) even when the handshake then fails; under TLS 1.3 they are encrypted, and a demand for a
 * client certificate shows as the server's `certificate_required` alert (RFC 8446 §4.4.2.4).
 * Nothing is sent beyond the handshake: the socket is destroyed once the outcome is known.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';

/** The protocol versions the probe can offer (the JDK 17 client enables these two by default). */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** A client key and its chain, as PEM, offered when the server asks for a certificate. */
export interface ClientCredential {
  readonly keyPem: string;
  readonly certPem: string;
}

/** Options of one probe. */
export interface ProbeOptions {
  readonly timeoutMs: number;
  /** Versions offered, at least one. */
  readonly versions: readonly TlsVersion[];
  readonly client?: ClientCredential;
}

/** What one handshake showed. */
export interface ProbeResult {
  readonly outcome: 'ok' | 'unreachable' | 'timeout' | 'protocol' | 'client-certificate-rejected' | 'failed';
  /** One sentence, for people. */
  readonly message: string;
  readonly protocol?: string;
  /** The certificates the server sent, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** The server asked for a client certificate (seen in TLS 1.2, or implied by its alert). */
  readonly certificateRequested: boolean;
  /** The CA names (DER) of a TLS 1.2 CertificateRequest; empty when the server named none or they were not visible. */
  readonly acceptedIssuers: readonly Uint8Array[];
}

/** Alerts a server sends when it refuses the client's certificate (or its absence). */
const CLIENT_CERT_ALERTS = /ALERT_(?:CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_UNKNOWN|UNKNOWN_CA|ACCESS_DENIED|CERTIFICATE_EXPIRED)/;
const PROTOCOL_ERRORS = /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW|VERSION_TOO_HIGH|WRONG_VERSION_NUMBER/;

/** Reads the server's clear-text handshake messages from the raw byte stream. */
class HandshakeTap {
  chain: Uint8Array[] = [];
  certificateRequested = false;
  acceptedIssuers: Uint8Array[] = [];
  private records = Buffer.alloc(0);
  private handshake = Buffer.alloc(0);
  private done = false;

  feed(data: Buffer): void {
    if (this.done) return;
    this.records = Buffer.concat([this.records, data]);
    // A handshake in the clear is a few kilobytes; anything larger is not worth reading.
    if (this.records.length > 256 * 1024) {
      this.done = true;
      return;
    }
    while (this.records.length >= 5 && !this.done) {
      const type = this.records[0];
      const len = this.records.readUInt16BE(3);
      if (this.records.length < 5 + len) return;
      const body = this.records.subarray(5, 5 + len);
      this.records = this.records.subarray(5 + len);
      if (type === 22) {
        this.handshake = Buffer.concat([this.handshake, body]);
        this.messages();
      } else if (type !== 21) {
        this.done = true; // ChangeCipherSpec or application data: the rest is encrypted
      }
    }
  }

  private messages(): void {
    while (this.handshake.length >= 4) {
      const type = this.handshake[0];
      const len = this.handshake.readUIntBE(1, 3);
      if (this.handshake.length < 4 + len) return;
      const body = this.handshake.subarray(4, 4 + len);
      this.handshake = this.handshake.subarray(4 + len);
      try {
        if (type === 11) this.chain = readCertificateList(body);
        if (type === 13) {
          this.certificateRequested = true;
          this.acceptedIssuers = readCertificateAuthorities(body);
        }
      } catch {
        this.done = true;
      }
    }
  }
}

/** TLS 1.2 Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function readCertificateList(body: Buffer): Uint8Array[] {
  const total = body.readUIntBE(0, 3);
  const out: Uint8Array[] = [];
  let p = 3;
  while (p + 3 <= 3 + total && p + 3 <= body.length) {
    const n = body.readUIntBE(p, 3);
    if (p + 3 + n > body.length) break;
    out.push(new Uint8Array(body.subarray(p + 3, p + 3 + n)));
    p += 3 + n;
  }
  return out;
}

/** TLS 1.2 CertificateRequest: certificate_types<1..2^8-1>, supported_signature_algorithms<2..2^16-2>, certificate_authorities<0..2^16-1>. */
function readCertificateAuthorities(body: Buffer): Uint8Array[] {
  let p = 1 + body[0];
  p += 2 + body.readUInt16BE(p);
  const end = p + 2 + body.readUInt16BE(p);
  p += 2;
  const out: Uint8Array[] = [];
  while (p + 2 <= end && p + 2 <= body.length) {
    const n = body.readUInt16BE(p);
    if (p + 2 + n > body.length) break;
    out.push(new Uint8Array(body.subarray(p + 2, p + 2 + n)));
    p += 2 + n;
  }
  return out;
}

function isIp(host: string): boolean {
  return net.isIP(host) !== 0;
}

/** The chain Node read, leaf first, following issuers only among what the server sent. */
export function peerChain(socket: tls.TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** Opens the TCP connection, or says why it could not. */
function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket | ProbeResult> {
  return new Promise((resolve) => {
    const raw = net.connect({ host, port });
    const timer = setTimeout(() => {
      raw.destroy();
      resolve(failure('timeout', `No TCP answer from ${host}:${port} within ${timeoutMs} ms.`));
    }, timeoutMs);
    raw.once('connect', () => {
      clearTimeout(timer);
      resolve(raw);
    });
    raw.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(failure('unreachable', `Cannot reach ${host}:${port} (${err.code ?? err.message}).`));
    });
  });
}

function failure(outcome: ProbeResult['outcome'], message: string, tap?: HandshakeTap): ProbeResult {
  return {
    outcome,
    message,
    chain: tap?.chain ?? [],
    certificateRequested: tap?.certificateRequested ?? false,
    acceptedIssuers: tap?.acceptedIssuers ?? [],
  };
}

/** A stream over `raw` for tls.connect that shows every byte the server sends to `tap` first. */
function tappedStream(raw: net.Socket, tap: HandshakeTap): Duplex {
  const stream = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      raw.write(chunk, cb);
    },
    final(cb) {
      raw.end();
      cb();
    },
    destroy(err, cb) {
      raw.destroy();
      cb(err);
    },
  });
  raw.on('data', (d: Buffer) => {
    tap.feed(d);
    if (!stream.push(d)) raw.pause();
  });
  raw.on('end', () => stream.push(null));
  raw.on('error', (e) => stream.destroy(e));
  return stream;
}

/** One handshake with `host:port`; never rejects. */
export async function probeTls(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  const started = Date.now();
  const raw = await connectTcp(host, port, options.timeoutMs);
  if (!(raw instanceof net.Socket)) return raw;
  const tap = new HandshakeTap();
  const stream = tappedStream(raw, tap);

  const versions = [...options.versions].sort();
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const socket = tls.connect({
      socket: stream,
      servername: isIp(host) ? undefined : host,
      rejectUnauthorized: false,
      ca: [],
      minVersion: versions[0] as tls.SecureVersion,
      maxVersion: versions[versions.length - 1] as tls.SecureVersion,
      ...(options.client ? { key: options.client.keyPem, cert: options.client.certPem } : {}),
    });
    // A ticket may arrive in the same read as the server's Finished, before 'secureConnect' runs.
    let ticketSeen = false;
    socket.once('session', () => (ticketSeen = true));
    let chain: Uint8Array[] = [];
    let protocol: string | undefined;
    const finish = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      socket.destroy();
      raw.destroy();
      resolve(r);
    };
    const ok = () =>
      finish({
        outcome: 'ok',
        message: `Handshake completed (${protocol}).`,
        protocol,
        chain,
        certificateRequested: tap.certificateRequested,
        acceptedIssuers: tap.acceptedIssuers,
      });
    const timer = setTimeout(() => finish(failure('timeout', `No TLS handshake with ${host}:${port} within ${options.timeoutMs} ms.`, tap)), Math.max(1, options.timeoutMs - (Date.now() - started)));
    let grace: NodeJS.Timeout | undefined;
    socket.once('secureConnect', () => {
      chain = peerChain(socket);
      protocol = socket.getProtocol() ?? undefined;
      if (protocol !== 'TLSv1.3') return ok();
      // Under TLS 1.3 the server judges the client's certificate after the client finished: wait for
      // its session ticket (accepted) or its alert (refused), briefly.
      if (ticketSeen) return ok();
      socket.once('session', ok);
      socket.resume();
      waitingForTicket = true;
      grace = setTimeout(ok, Math.min(1000, options.timeoutMs));
    });
    // A server that checks the client certificate after the TLS 1.3 handshake (Node's own servers do) and
    // refuses it closes the connection before sending any ticket or data.
    const closedEarly = () =>
      finish({
        ...failure('client-certificate-rejected', `${host}:${port} closed the connection right after the TLS 1.3 handshake${options.client ? ', refusing the client certificate offered' : ''}.`, tap),
        protocol,
        chain,
        certificateRequested: true,
      });
    let waitingForTicket = false;
    socket.once('end', () => {
      if (waitingForTicket) closedEarly();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      const withChain = (r: ProbeResult): ProbeResult => ({ ...r, chain: chain.length ? chain : tap.chain, ...(protocol ? { protocol } : {}) });
      if (PROTOCOL_ERRORS.test(code)) return finish(withChain(failure('protocol', `${host}:${port} accepts none of ${versions.join(', ')} (${code}).`, tap)));
      const asked = tap.certificateRequested || protocol === 'TLSv1.3' || /CERTIFICATE_REQUIRED/.test(code);
      if (CLIENT_CERT_ALERTS.test(code) && asked) {
        return finish(withChain({ ...failure('client-certificate-rejected', `${host}:${port} refused the client certificate${options.client ? ' offered' : ' (none offered)'} (${code}).`, tap), certificateRequested: true }));
      }
      finish(withChain(failure('failed', `TLS handshake with ${host}:${port} failed (${code || err.message}).`, tap)));
    });
    socket.once('close', () => {
      if (waitingForTicket) closedEarly();
      else if (protocol) ok();
      else finish(failure('failed', `${host}:${port} closed the connection during the handshake.`, tap));
    });
  });
}
