/**
 * The trust map: (1) offline, a generated integration project with 300 artifacts calling 50 servers whose
 * chains are remembered (target: median ≤ 300 ms); (2) `connect` to 50 local TLS servers on 127.0.0.1
 * (target ≤ 3 s). Run: `npx tsx bench/trustMap.bench.ts` (needs openssl and keytool for the PKI).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildTrustMap, serverKey } from '../src/core/tls/trustMap';
import { KeystoreCache } from '../src/core/workspace/keystoreCache';
import type { ServerObservation } from '../src/core/tls/verdict';
import { makeTestPki, startTlsServer } from '../test/helpers/tlsPki';
import { tomlFor, writeMiProject } from '../test/helpers/miProject';
import { median } from './median';

/** Medians in ms. */
export interface TrustMapBenchResult {
  readonly offlineMs: number;
  readonly connectMs: number;
  readonly artifacts: number;
  readonly servers: number;
}

const KINDS = ['endpoints', 'apis', 'sequences', 'proxy-services', 'local-entries', 'templates'];

function artifactXml(i: number, port: number): string {
  const url = `https://127.0.0.1:${port}/service/${i}`;
  switch (i % 6) {
    case 0:
      return `<endpoint name="EP${i}" xmlns="http://ws.apache.org/ns/synapse">\n  <address uri="${url}"/>\n</endpoint>\n`;
    case 1:
      return `<api name="API${i}" context="/a${i}" xmlns="http://ws.apache.org/ns/synapse">\n  <resource methods="GET"><inSequence>\n    <call><endpoint><http method="get" uri-template="${url}/{uri.var.id}"/></endpoint></call>\n  </inSequence></resource>\n</api>\n`;
    case 2:
      return `<sequence name="Seq${i}" xmlns="http://ws.apache.org/ns/synapse">\n  <log level="full"/>\n  <call><endpoint><address uri="${url}"/></endpoint></call>\n</sequence>\n`;
    case 3:
      return `<proxy name="Proxy${i}" transports="https" xmlns="http://ws.apache.org/ns/synapse">\n  <target><endpoint><wsdl uri="${url}?wsdl" service="S" port="P"/></endpoint></target>\n</proxy>\n`;
    case 4:
      return `<localEntry key="url${i}" xmlns="http://ws.apache.org/ns/synapse">${url}</localEntry>\n`;
    default:
      return `<template name="T${i}" xmlns="http://ws.apache.org/ns/synapse">\n  <endpoint name="TE${i}"><address uri="${url}"/></endpoint>\n</template>\n`;
  }
}

/** Runs both benchmarks in a temporary folder and removes it. */
export async function benchTrustMap(runs = 15): Promise<TrustMapBenchResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-bench-trustmap-'));
  const servers: { port: number; close: () => Promise<void> }[] = [];
  try {
    const pki = makeTestPki(path.join(tmp, 'pki'));
    for (let i = 0; i < 50; i++) servers.push(await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true }));
    const artifacts: Record<string, string> = {};
    for (let i = 0; i < 300; i++) artifacts[`${KINDS[i % 6]}/A${i}.xml`] = artifactXml(i, servers[i % 50].port);
    const ws = writeMiProject(path.join(tmp, 'project'), { toml: tomlFor({ truststore: pki.truststore, keystore: pki.clientKeystore, keyAlias: 'client' }), artifacts });

    let t = performance.now();
    const connected = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
    const connectMs = performance.now() - t;
    const trusted = connected.connections.filter((c) => c.verdict === 'trusted' && c.direction === 'outbound').length;
    if (trusted !== 300) throw new Error(`expected 300 trusted connections, got ${trusted}`);
    const remembered = new Map<string, ServerObservation>(connected.observations.map((o) => [serverKey(o.host, o.port), o]));

    const cache = new KeystoreCache();
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      t = performance.now();
      await buildTrustMap(ws, { env: {}, cache, observations: remembered });
      if (i >= 3) times.push(performance.now() - t);
    }
    return { offlineMs: median(times), connectMs, artifacts: 300, servers: 50 };
  } finally {
    for (const s of servers) await s.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchTrustMap().then((r) => {
    console.log(`| trust map offline, ${r.artifacts} artifacts, ${r.servers} remembered servers | ${r.offlineMs.toFixed(0)} ms | ≤ 300 ms |`);
    console.log(`| trust map --connect, ${r.servers} local servers | ${r.connectMs.toFixed(0)} ms | ≤ 3000 ms |`);
  });
}
