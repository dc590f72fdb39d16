/**
 * MI's own HTTPS listener in the trust map (inbound), on keystores made by keytool: the certificate must
 * name `[server] hostname` as MI resolves it, and nothing else. Seen in WSO2's Kubernetes guide
 * (`hostname = "$env{HOSTNAME}"`) and on every listener with a CA-signed certificate, which can never name
 * `localhost`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTrustMap, type Connection } from '../../src/core/tls/trustMap';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { keytool } from '../helpers/keytool';

const PRIMARY = '[keystore.primary]\nfile_name = "repository/resources/security/mi.jks"\npassword = "changeit"\nalias = "mi"\nkey_password = "changeit"\n';

describe("the trust map's inbound listener (keytool keystores)", function () {
  this.timeout(60_000);
  let home: string;
  let ws: MiRuntimeHome;

  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'inbound-'));
    const security = path.join(home, 'repository', 'resources', 'security');
    fs.mkdirSync(security, { recursive: true });
    fs.mkdirSync(path.join(home, 'conf'));
    // What a CA would sign for the real host: its name, never localhost.
    keytool(['-genkeypair', '-alias', 'mi', '-keyalg', 'EC', '-dname', 'CN=mi.example.com, O=Example', '-ext', 'SAN=dns:mi.example.com', '-validity', '30', '-keystore', path.join(security, 'mi.jks'), '-storetype', 'JKS', '-storepass', 'changeit', '-keypass', 'changeit']);
    ws = { kind: 'runtime', root: home, deploymentToml: path.join(home, 'conf', 'deployment.toml') };
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  async function inbound(toml: string, env: Record<string, string> = {}): Promise<Pick<Connection, 'verdict' | 'host' | 'port' | 'range'>> {
    fs.writeFileSync(ws.deploymentToml, toml + PRIMARY);
    const conn = (await buildTrustMap(ws, { env, cache: new KeystoreCache() })).connections.find((c) => c.direction === 'inbound');
    assert.ok(conn, 'no inbound connection');
    return { verdict: conn.verdict, host: conn.host, port: conn.port, range: conn.range };
  }

  it('accepts a certificate that names [server] hostname and not localhost', async () => {
    const { range, ...actual } = await inbound('[server]\nhostname = "mi.example.com"\n');
    assert.deepEqual(actual, { verdict: 'trusted', host: 'mi.example.com', port: 8253 });
    assert.equal(range.start.line, 3, 'on the file_name of the keystore it judges');
  });

  it('reports a certificate that does not name [server] hostname, on that line', async () => {
    const actual = await inbound('[server]\nhostname = "esb.example.com"\n');
    assert.deepEqual([actual.verdict, actual.range.start], ['hostname-mismatch', { line: 1, character: 11 }]);
  });

  it('resolves $env{} in [server] hostname as MI does, and leaves it unchecked when the variable is not set here', async () => {
    const toml = '[server]\nhostname = "$env{MI_HOST}"\n';
    const actual = [(await inbound(toml, { MI_HOST: 'mi.example.com' })).verdict, (await inbound(toml, { MI_HOST: 'other.example.com' })).verdict, (await inbound(toml)).verdict];
    assert.deepEqual(actual, ['trusted', 'hostname-mismatch', 'not-checked']);
  });

  it('requires no name when [server] hostname is unwritten or a bind-all address', async () => {
    assert.deepEqual([(await inbound('')).verdict, (await inbound('[server]\nhostname = "0.0.0.0"\n')).verdict], ['trusted', 'trusted']);
  });

  it('puts the listener on listener.secured_port plus the offset', async () => {
    assert.equal((await inbound('[server]\nhostname = "mi.example.com"\noffset = 2\n\n[transport.http]\nlistener.secured_port = 9443\n')).port, 9445);
  });
});
