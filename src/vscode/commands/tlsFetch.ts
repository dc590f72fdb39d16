/**
 * Fetches the certificate chain a TLS endpoint presents (what `keytool -printcert -sslserver` shows),
 * without trusting it: the person decides after seeing the subject and fingerprint.
 */
import * as tls from 'node:tls';
import { peerChain } from '../../core/tls/probe';

/** The DER certificates a server sent, leaf first. */
export function fetchServerChain(host: string, port: number, timeoutMs = 10000): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    // rejectUnauthorized: false because the point is to look at a certificate we do not trust yet.
    const socket = tls.connect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false }, () => {
      const chain = peerChain(socket);
      socket.end();
      if (chain.length === 0) reject(new Error(`${host}:${port} presented no certificate.`));
      else resolve(chain);
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`No TLS answer from ${host}:${port} within ${Math.round(timeoutMs / 1000)} s.`));
    });
    socket.on('error', (err) => reject(new Error(`Cannot reach ${host}:${port} over TLS (${(err as NodeJS.ErrnoException).code ?? err.message}).`)));
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
