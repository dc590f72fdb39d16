/** Finding the HTTPS URLs of Synapse artifacts: layouts, placeholders, positions, Carbon applications. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findSynapseUrls, hostAndPort, type PlaceholderLookup } from '../../src/core/artifacts/synapseUrls';
import { scanArtifacts, placeholderLookup, parseKeyValueLines } from '../../src/core/artifacts/findArtifacts';
import { readZipEntries } from '../../src/core/artifacts/zipReader';
import { runtimeHomeAt } from '../../src/core/workspace/discover';
import { writeMiProject } from '../helpers/miProject';
import { writeZip } from '../helpers/zipWriter';

const none: PlaceholderLookup = () => undefined;

describe('Synapse URL finder', () => {
  it('finds address, http and wsdl endpoints with their positions', () => {
    const xml = [
      '<endpoint name="A" xmlns="http://ws.apache.org/ns/synapse">',
      '  <address uri="https://a.example.com/svc"/>',
      '</endpoint>',
      '<endpoint name="B"><http method="get" uri-template="https://b.example.com:8443/x/{uri.var.id}"/></endpoint>',
      "<endpoint name=\"C\"><wsdl uri='https://c.example.com/?wsdl' service=\"S\" port=\"P\"/></endpoint>",
    ].join('\n');
    const actual = findSynapseUrls(xml, none).map((u) => [u.host, u.port, u.range.start.line, u.range.start.character]);
    const expected = [
      ['a.example.com', 443, 1, 16],
      ['b.example.com', 8443, 3, 52],
      ['c.example.com', 443, 4, 30],
    ];
    assert.deepEqual(actual, expected);
  });

  it('finds inline endpoints of APIs, local entries and connector configurations, and skips http:// and comments', () => {
    const xml = `<api name="Orders" context="/orders"><resource methods="GET"><inSequence>
      <!-- <address uri="https://commented.example.com"/> -->
      <call><endpoint><address uri="http://plain.example.com/x"/></endpoint></call>
      <call><endpoint><address uri="https://inline.example.com/x"/></endpoint></call>
    </inSequence></resource></api>
    <localEntry key="backendUrl">https://entry.example.com/v1</localEntry>
    <salesforce.init><hostUrl>https://login.example.com</hostUrl></salesforce.init>`;
    const actual = findSynapseUrls(xml, none).map((u) => u.host);
    assert.deepEqual(actual, ['inline.example.com', 'entry.example.com', 'login.example.com']);
  });

  it('resolves ${configs.NAME} and $SYSTEM:NAME, and lists unresolved ones as not checkable', () => {
    const lookup: PlaceholderLookup = (kind, name) => (kind === 'configs' && name === 'host' ? 'api.example.com' : kind === 'system' && name === 'URL' ? 'https://sys.example.com:9443/' : undefined);
    const xml = `<endpoint name="E"><address uri="https://\${configs.host}/v1"/></endpoint>
<endpoint name="F"><address uri="\${configs.missing}"/></endpoint>
<endpoint name="G"><address uri="$SYSTEM:URL"/></endpoint>`;
    const actual = findSynapseUrls(xml, lookup).map((u) => ({ url: u.url, host: u.host, unresolved: u.unresolved ?? null }));
    assert.deepEqual(actual, [
      { url: 'https://api.example.com/v1', host: 'api.example.com', unresolved: null },
      { url: null, host: null, unresolved: '${configs.missing} has no value in .env, the config properties or the environment' },
      { url: 'https://sys.example.com:9443/', host: 'sys.example.com', unresolved: null },
    ]);
  });

  it('does not check a URL whose host is a template variable', () => {
    const [u] = findSynapseUrls('<http uri-template="https://{uri.var.host}/x"/>', none);
    assert.equal(u.host, null);
    assert.match(u.unresolved ?? '', /chosen at run time/);
  });

  it('parses host and port, IPv6 included, and rejects bad ports', () => {
    assert.deepEqual(hostAndPort('https://[::1]:8443/x'), { host: '::1', port: 8443, portWritten: 8443 });
    assert.deepEqual(hostAndPort('https://user@Example.COM'), { host: 'example.com', port: 443 });
    assert.ok('reason' in hostAndPort('https://x:99999/'));
  });

  it('reads .env lines with quotes, comments and export', () => {
    const actual = Object.fromEntries(parseKeyValueLines('# c\nexport A="x y"\nB = z\n!skip=1\n'));
    assert.deepEqual(actual, { A: 'x y', B: 'z' });
  });

  // Seen in WSO2's docs and users' projects: a JSON schema local entry, payloads, CORS headers, namespaces,
  // an OAuth client's scope. None is a server MI connects to.
  it('lists addresses only: not URLs inside text, namespaces, headers, properties, payloads or OAuth form fields', () => {
    const xml = `<api name="Orders" context="/orders" xmlns="http://ws.apache.org/ns/synapse"><resource methods="POST"><inSequence>
      <property name="Access-Control-Allow-Origin" scope="transport" value="https://portal.example.com"/>
      <property name="uri.var.backend" value="https://backend.example.com"/>
      <header name="To" value="https://to.example.com/svc"/>
      <header name="Link" value="https://docs.example.com"/>
      <payloadFactory media-type="xml"><format><ord:order xmlns:ord="https://schemas.example.com/order/v1" href="https://x.example.com">https://y.example.com</ord:order></format><args/></payloadFactory>
      <call-template target="T"><with-param name="url" value="https://param.example.com/api"/></call-template>
      <call><endpoint><http method="post" uri-template="legacy-encoding:https://legacy.example.com/{uri.var.q}">
        <authentication><oauth><clientCredentials>
          <tokenUrl>https://login.example.com/token</tokenUrl>
          <requestParameters><parameter name="scope">https://graph.example.com/.default</parameter></requestParameters>
        </clientCredentials></oauth></authentication>
      </http></endpoint></call>
    </inSequence></resource></api>
    <localEntry key="schema">{"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://id.example.com/s"}</localEntry>
    <proxy name="P"><publishWSDL uri="https://wsdl.example.com/svc?wsdl"/></proxy>`;
    const actual = findSynapseUrls(xml, none).map((u) => [u.host, u.kind]);
    assert.deepEqual(actual, [
      ['backend.example.com', 'call'],
      ['to.example.com', 'call'],
      ['param.example.com', 'call'],
      ['legacy.example.com', 'call'],
      ['login.example.com', 'oauth-token'],
      ['wsdl.example.com', 'wsdl'],
    ]);
  });

  it('reads on after a self-closing payload format (`<format key="…"/>`)', () => {
    const xml = '<payloadFactory><format key="conf:/payload.json"/><args/></payloadFactory><call><endpoint><address uri="https://after.example.com"/></endpoint></call>';
    assert.deepEqual(findSynapseUrls(xml, none).map((u) => u.host), ['after.example.com']);
  });

  it('resolves $FILE:NAME through the lookup, as Synapse resolves conf/file.properties', () => {
    const lookup: PlaceholderLookup = (kind, name) => (kind === 'file' && name === 'backend' ? 'https://file.example.com' : undefined);
    const actual = findSynapseUrls('<endpoint name="E"><address uri="$FILE:backend"/></endpoint><endpoint name="F"><address uri="$FILE:none"/></endpoint>', lookup).map((u) => [u.host, u.unresolved ?? null]);
    assert.deepEqual(actual, [
      ['file.example.com', null],
      [null, '$FILE:none has no value in .env, the config properties or the environment'],
    ]);
  });

  // Each of these took seconds to minutes with the regular expressions this scan replaced (quadratic backtracking).
  it('handles hostile artifacts (unclosed tags, comments, CDATA and formats, a 1 MB name, 1 MB of ">" or attribute-like text) within seconds', () => {
    const MB = 1024 * 1024;
    const texts = ['<a uri="https://x'.repeat(100_000), `<${'a'.repeat(MB)}`, '>'.repeat(MB), `<x ${'a'.repeat(MB)}>`, `<x ${'a="'.repeat(MB / 3)}>`, `<${'<a'.repeat(MB / 2)}`, '<!--'.repeat(MB / 4), '<![CDATA['.repeat(MB / 9), '<format>'.repeat(MB / 8), '<format '.repeat(MB / 8)];
    const times = texts.map((text) => {
      const started = Date.now();
      findSynapseUrls(text, none);
      return Date.now() - started;
    });
    assert.ok(times.every((t) => t < 5000), times.join(', '));
  });
});

describe('artifact layouts', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'artifacts-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads the MI 4.x layout and the .env of a project; the environment wins over .env', async () => {
    const ws = writeMiProject(path.join(tmp, 'p1'), {
      toml: '',
      artifacts: { 'endpoints/A.xml': '<endpoint name="A"><address uri="https://${configs.a}/x"/></endpoint>', 'apis/B.xml': '<api name="B"><address uri="https://${configs.b}/y"/></api>' },
      env: 'a=from-dotenv.example.com\nb=dotenv-b.example.com\n',
    });
    const scan = await scanArtifacts(ws, await placeholderLookup(ws, { b: 'env-b.example.com' }));
    assert.deepEqual(scan.urls.map((u) => [path.relative(ws.root, u.file), u.host]), [
      [path.join('src/main/wso2mi/artifacts/apis/B.xml'), 'env-b.example.com'],
      [path.join('src/main/wso2mi/artifacts/endpoints/A.xml'), 'from-dotenv.example.com'],
    ]);
  });

  it('reads the older multi-module layout', async () => {
    const ws = writeMiProject(path.join(tmp, 'p2'), { toml: '', artifacts: {} });
    const file = path.join(ws.root, 'OrdersConfigs', 'src', 'main', 'synapse-config', 'endpoints', 'E.xml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '<endpoint name="E"><address uri="https://old.example.com/x"/></endpoint>');
    const scan = await scanArtifacts(ws, none);
    assert.deepEqual(scan.urls.map((u) => u.host), ['old.example.com']);
  });

  it("reads a runtime home's synapse-configs and the XML inside its Carbon applications", async () => {
    const home = path.join(tmp, 'mi');
    fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
    fs.writeFileSync(path.join(home, 'conf', 'deployment.toml'), '');
    const deploy = path.join(home, 'repository', 'deployment', 'server');
    fs.mkdirSync(path.join(deploy, 'synapse-configs', 'default', 'endpoints'), { recursive: true });
    fs.writeFileSync(path.join(deploy, 'synapse-configs', 'default', 'endpoints', 'S.xml'), '<endpoint name="S"><address uri="https://synapse.example.com"/></endpoint>');
    fs.mkdirSync(path.join(deploy, 'carbonapps'), { recursive: true });
    const car = writeZip([
      { name: 'artifacts.xml', data: Buffer.from('<artifacts/>') },
      { name: 'BackendEP_1.0.0/BackendEP-1.0.0.xml', data: Buffer.from('<endpoint name="BackendEP"><address uri="https://car.example.com:8443/x"/></endpoint>') },
    ]);
    fs.writeFileSync(path.join(deploy, 'carbonapps', 'App_1.0.0.car'), car);
    const ws = runtimeHomeAt(home);
    assert.ok(ws);
    const scan = await scanArtifacts(ws, none);
    assert.deepEqual(scan.urls.map((u) => [path.basename(u.file), u.host, u.port]), [
      ['S.xml', 'synapse.example.com', 443],
      ['BackendEP-1.0.0.xml', 'car.example.com', 8443],
    ]);
    assert.match(scan.urls[1].file, /App_1\.0\.0\.car!\/BackendEP_1\.0\.0\//);
  });
});

describe('placeholder values of a workspace', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'placeholders-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // A project's .env reaches MI as environment variables (micro-integrator.sh --env-file), so $SYSTEM: reads it;
  // $FILE: is Synapse's resolver of a runtime home's conf/file.properties.
  it('reads $SYSTEM from a project\'s .env, $FILE from a home\'s conf/file.properties, the environment first', async () => {
    const project = writeMiProject(path.join(tmp, 'p'), { toml: '', artifacts: {}, env: 'HOST=dotenv.example.com\nurl=https://configs.example.com\n' });
    const home = path.join(tmp, 'home');
    fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
    fs.writeFileSync(path.join(home, 'conf', 'deployment.toml'), '');
    fs.mkdirSync(path.join(home, 'repository'));
    fs.writeFileSync(path.join(home, 'conf', 'file.properties'), 'backend=https://file.example.com\n');
    fs.writeFileSync(path.join(home, '.env'), 'HOST=home-dotenv.example.com\n');
    const homeWs = runtimeHomeAt(home);
    assert.ok(homeWs);
    const p = await placeholderLookup(project, {});
    const h = await placeholderLookup(homeWs, { HOST: 'env.example.com' });
    const actual = [p('system', 'HOST'), p('configs', 'url'), p('file', 'backend'), h('file', 'backend'), h('system', 'HOST'), h('configs', 'backend')];
    assert.deepEqual(actual, ['dotenv.example.com', 'https://configs.example.com', undefined, 'https://file.example.com', 'env.example.com', 'https://file.example.com']);
  });
});

describe('bounded ZIP reader', () => {
  it('stops a deflate bomb that understates its size, and skips it', () => {
    const zip = writeZip([{ name: 'bomb.xml', data: Buffer.alloc(8 * 1024 * 1024, 0x41), declaredSize: 100 }]);
    const { entries, skipped } = readZipEntries(zip, () => true);
    assert.deepEqual([entries.length, skipped], [0, ['bomb.xml']]);
  });

  it('skips an entry larger than the limit without inflating it', () => {
    const zip = writeZip([{ name: 'big.xml', data: Buffer.alloc(1024, 0x41) }]);
    const { entries, skipped } = readZipEntries(zip, () => true, { maxEntryBytes: 512 });
    assert.deepEqual([entries.length, skipped], [0, ['big.xml']]);
  });

  it('says a non-ZIP file is not an archive', () => {
    assert.throws(() => readZipEntries(Buffer.from('not a zip at all, just text padding it out'), () => true), /not a ZIP archive/);
  });
});
