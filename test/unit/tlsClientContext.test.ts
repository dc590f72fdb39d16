/** The client TLS context MI's HTTPS sender uses, read from deployment.toml and the SSL profiles file. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { buildEffectiveConfig } from '../../src/core/workspace/effectiveConfig';
import { contextFor, enabledVersions, senderTlsSettings } from '../../src/core/tls/clientContext';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';

describe('client TLS context of the HTTPS sender', () => {
  let home: string;
  let ws: MiRuntimeHome;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsctx-'));
    fs.mkdirSync(path.join(home, 'conf', 'sslprofiles'), { recursive: true });
    ws = { kind: 'runtime', root: home, deploymentToml: path.join(home, 'conf', 'deployment.toml') };
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  const settingsOf = (toml: string) => senderTlsSettings(buildEffectiveConfig(parseDeploymentToml(toml, ws.deploymentToml), ws, { env: {} }));

  it('defaults to [truststore] and the primary keystore, the Default verifier and TLS 1.3 + 1.2', async () => {
    const s = await settingsOf('[truststore]\nfile_name = "repository/resources/security/ts.jks"\npassword = "tspass"\n');
    const actual = [s.sender.truststore.written, s.sender.truststore.password, s.sender.keystore.written, s.sender.hostnameVerifier, s.sender.versions];
    assert.deepEqual(actual, ['repository/resources/security/ts.jks', 'tspass', 'repository/resources/security/wso2carbon.jks', { name: 'Default' }, ['TLSv1.3', 'TLSv1.2']]);
  });

  it('reads sender.* stores, the verifier and the protocols of [transport.http]', async () => {
    const s = await settingsOf(
      '[transport.http]\nsender.truststore.location = "repository/resources/security/sender-ts.jks"\nsender.truststore.password = "x"\nsender.hostname_verifier = "AllowAll"\nsender.secured_protocols = "TLSv1.1,TLSv1.2"\n',
    );
    const actual = [s.sender.truststore.written, s.sender.hostnameVerifier, s.sender.versions];
    assert.deepEqual(actual, ['repository/resources/security/sender-ts.jks', { name: 'AllowAll' }, ['TLSv1.2']]);
  });

  it('knows that TLSv1 and TLSv1.1 alone enable nothing on JDK 17', () => {
    assert.deepEqual(enabledVersions('TLSv1,TLSv1.1'), []);
  });

  it('uses the dynamic SSL profile whose servers list host:port', async () => {
    fs.writeFileSync(
      path.join(home, 'conf', 'sslprofiles', 'senderprofiles.xml'),
      `<parameter name="customSSLProfiles">
  <!-- <profile><servers>commented.example.com:443</servers></profile> -->
  <profile>
    <servers>api.example.com:443, partner.example.com:8443</servers>
    <KeyStore><Location>repository/resources/security/partner-ks.jks</Location><Type>JKS</Type><Password>kp</Password><KeyPassword>kp</KeyPassword></KeyStore>
    <TrustStore><Location>repository/resources/security/partner-ts.jks</Location><Type>JKS</Type><Password>tp</Password></TrustStore>
  </profile>
</parameter>`,
    );
    const s = await settingsOf('[transport.http]\nsender.ssl_profile.file_path = "conf/sslprofiles/senderprofiles.xml"\n');
    const partner = contextFor(s, 'Partner.example.com', 8443);
    const other = contextFor(s, 'partner.example.com', 443);
    const actual = [partner.source, partner.truststore.written, partner.truststore.password, other.source, s.profiles.length];
    assert.deepEqual(actual, ['ssl-profile', 'repository/resources/security/partner-ts.jks', 'tp', 'sender', 1]);
  });

  it('reads a profile as the checks read it: entities decoded, a block without <Location> kept with no file', async () => {
    fs.writeFileSync(
      path.join(home, 'conf', 'sslprofiles', 'odd.xml'),
      `<parameter name="customSSLProfiles">
  <profile>
    <servers>odd.example.com:443</servers>
    <KeyStore><Type>JKS</Type><Password>kp</Password></KeyStore>
    <TrustStore><Location>repository/resources/security/odd-ts.jks</Location><Password>a&amp;b</Password></TrustStore>
  </profile>
</parameter>`,
    );
    const toml = '[transport.http]\nsender.ssl_profile.file_path = "conf/sslprofiles/odd.xml"\n';
    const config = buildEffectiveConfig(parseDeploymentToml(toml, ws.deploymentToml), ws, { env: {}, readSslProfiles: (f) => fs.readFileSync(f, 'utf8') });
    const s = await senderTlsSettings(config);
    const odd = contextFor(s, 'odd.example.com', 443);
    const checked = config.stores.filter((st) => st.consumer === 'https-sender-ssl-profile').map((st) => [st.role, st.file.value, st.password?.value]);
    const actual = { truststore: [odd.truststore.written, odd.truststore.password], keystore: odd.keystore.written, checked };
    assert.deepEqual(actual, {
      truststore: ['repository/resources/security/odd-ts.jks', 'a&b'],
      keystore: '',
      checked: [['truststore', 'repository/resources/security/odd-ts.jks', 'a&b']],
    });
  });

  it('says when the SSL profiles file cannot be read', async () => {
    const s = await settingsOf('[transport.http]\nsender.ssl_profile.file_path = "conf/missing.xml"\n');
    assert.match(s.notes[0], /conf\/missing\.xml cannot be read/);
  });
});
