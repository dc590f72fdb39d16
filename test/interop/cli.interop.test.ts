import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURE_STORES, REPO_ROOT, WSO2_STORES, itShared, copyFixture, fixturePath, fixtureStorePassword, useTempDir, wso2StorePath } from '../helpers/fixtures';
import { keytool, keytoolImportKeystore, keytoolList, keytoolListText, runKeytool } from '../helpers/keytool';
import { runCli } from '../helpers/cli';
import { openssl } from '../helpers/tlsPki';

describe('mi-keystores CLI against keytool (interop)', function () {
  this.timeout(180000);
  const dir = useTempDir('mi-cli-interop-');

  /** Runs the CLI in-process in the temp folder; fails the test on a non-zero exit. */
  async function cli(argv: string[], env: Record<string, string> = {}): Promise<string> {
    const r = await runCli(argv, { env: { PW: 'changeit', NEW: 'newpass1', ...env }, cwd: dir() });
    assert.equal(r.code, 0, `mi-keystores ${argv[0]} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  const copy = (name: string) => copyFixture(name, dir());
  /** Proves keytool can recover the key of `alias` by exporting it to a fresh PKCS12 store. */
  const assertKeytoolRecoversKey = (file: string, storePassword: string, alias: string, keyPassword = storePassword, storetype?: string) => {
    const to = dir(`recovered-${alias}.p12`);
    keytoolImportKeystore({ from: dir(file), fromType: storetype, fromPassword: storePassword, alias, keyPassword, to, toType: 'PKCS12', toPassword: 'recover1' });
    fs.rmSync(to);
  };

  for (const [label, file, extra, expectKey] of [
    ['RSA-2048 JKS', 'rsa.jks', ['--key-size', '2048'], '2048-bit RSA key'],
    ['RSA-2048 PKCS12', 'rsa.p12', ['--key-size', '2048'], '2048-bit RSA key'],
    ['EC P-256 PKCS12', 'ec.p12', ['--key-alg', 'EC', '--curve', 'P-256'], '256-bit EC (secp256r1) key'],
  ] as const) {
    it(`generate ${label}: keytool lists it and recovers the key`, async () => {
      await cli(['generate', file, '--alias', 'server', '--dname', 'CN=localhost,O=WSO2,C=US', '--san', 'dns:localhost,ip:127.0.0.1', ...extra, '--password-env', 'PW']);
      const listed = keytoolListText(dir(file), 'changeit');
      assert.match(listed, /Alias name: server\nCreation date: .*\nEntry type: PrivateKeyEntry/);
      assert.match(listed, new RegExp(`Subject Public Key Algorithm: ${expectKey.replace(/[()]/g, '\\$&')}`));
      assert.match(listed, /Owner: CN=localhost, O=WSO2, C=US/);
      assertKeytoolRecoversKey(file, 'changeit', 'server');
    });
  }

  it('import-cert: keytool lists the new trusted entry with the same fingerprint', async () => {
    await cli(['import-cert', 'trust.jks', fixturePath('pem/ca.pem'), '--alias', 'ca', '--password-env', 'PW']);
    const actual = keytoolList(dir('trust.jks'), 'changeit').entries;
    const expected = keytoolList(fixturePath('jks-trust.jks'), 'changeit').entries.find((e) => e.alias === 'ca');
    assert.deepEqual(actual, [expected]);
  });

  // WSO2's shipped client-truststore.jks is a PKCS12 without a MAC: any password "opens" it. A mistyped one
  // must not seal it (MI opens it with the configured password); keytool writes it back without a MAC too.
  it('import-cert with a mistyped password into a store without integrity check leaves it openable by its own', async () => {
    const file = dir('nomac-trust.p12');
    keytool(['-J-Dkeystore.pkcs12.macAlgorithm=NONE', '-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE', '-importcert', '-noprompt', '-alias', 'ca', '-file', fixturePath('pem/ca.pem'), '-keystore', file, '-storetype', 'PKCS12', '-storepass', 'wso2carbon']);
    const r = await runCli(['import-cert', 'nomac-trust.p12', fixturePath('pem/server-selfsigned.pem'), '--alias', 'server', '--password-env', 'TYPO'], { env: { TYPO: 'wso2carbn' }, cwd: dir() });
    const actual = {
      code: r.code,
      note: r.stderr.includes('written back without one'),
      withConfigured: keytoolList(file, 'wso2carbon').entries.map((e) => e.alias),
    };
    assert.deepEqual(actual, { code: 0, note: true, withConfigured: ['ca', 'server'] });
  });

  it('import-reply: keytool shows the chain of 2 on the pending key, and recovers the key', async () => {
    const file = copy('jks-pending.jks');
    await cli(['import-reply', file, fixturePath('pem/pending-reply-chain.pem'), '--alias', 'pending', '--password-env', 'PW']);
    const pending = keytoolList(dir(file), 'changeit').entries.find((e) => e.alias === 'pending');
    assert.equal(pending?.chainLength, 2);
    assertKeytoolRecoversKey(file, 'changeit', 'pending');
  });

  // certbot's fullchain.pem and most CAs' bundles stop below the root (a server never sends it). keytool
  // -noprompt installs such a reply after "Top-level certificate in reply ... is not trusted"; so do we, saying so.
  it('import-reply of a leaf + intermediate without the root: installed as keytool does, with a note; completed when the root is trusted', async () => {
    const ca = (name: string, subject: string, issuer?: string) => {
      const ext = dir(`${name}.ext`);
      fs.writeFileSync(ext, 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n');
      if (!issuer) return openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir(`${name}.key`), '-out', dir(`${name}.pem`), '-subj', subject, '-days', '30', '-addext', 'basicConstraints=critical,CA:true'], dir());
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir(`${name}.key`), '-out', dir(`${name}.csr`), '-subj', subject], dir());
      return openssl(['x509', '-req', '-in', dir(`${name}.csr`), '-CA', dir(`${issuer}.pem`), '-CAkey', dir(`${issuer}.key`), '-CAcreateserial', '-out', dir(`${name}.pem`), '-days', '30', '-extfile', ext], dir());
    };
    ca('root', '/CN=Reply Test Root');
    ca('inter', '/CN=Reply Test Issuing CA', 'root');
    await cli(['generate', 'norootA.jks', '--alias', 'mi', '--dname', 'CN=mi.example.com', '--password-env', 'PW']);
    await cli(['csr', 'norootA.jks', '--alias', 'mi', '--out', 'mi.csr', '--password-env', 'PW']);
    openssl(['x509', '-req', '-in', dir('mi.csr'), '-CA', dir('inter.pem'), '-CAkey', dir('inter.key'), '-CAcreateserial', '-out', dir('mi.pem'), '-days', '30'], dir());
    fs.writeFileSync(dir('fullchain.pem'), fs.readFileSync(dir('mi.pem'), 'utf8') + fs.readFileSync(dir('inter.pem'), 'utf8'));
    // The same key in store B, whose root is trusted: there the chain is completed up to it.
    fs.copyFileSync(dir('norootA.jks'), dir('norootB.jks'));
    await cli(['import-cert', 'norootB.jks', dir('root.pem'), '--alias', 'root', '--password-env', 'PW']);
    const reply = (file: string) => runCli(['import-reply', file, 'fullchain.pem', '--alias', 'mi', '--password-env', 'PW'], { env: { PW: 'changeit' }, cwd: dir() });
    const [a, b] = [await reply('norootA.jks'), await reply('norootB.jks')];
    const chainOf = (file: string) => keytoolList(dir(file), 'changeit').entries.find((e) => e.alias === 'mi')?.chainLength;
    const actual = {
      codes: [a.code, b.code],
      notes: [/the chain ends at "CN=Reply Test Issuing CA"/.test(a.stderr), b.stderr.includes('the chain ends')],
      keytoolChains: [chainOf('norootA.jks'), chainOf('norootB.jks')],
    };
    assert.deepEqual(actual, { codes: [0, 0], notes: [true, false], keytoolChains: [2, 3] });
  });

  it("import-cert onto a key entry's alias installs the CA reply, as keytool -importcert does, and keeps the key", async () => {
    const file = copy('jks-pending.jks');
    const out = await cli(['import-cert', file, fixturePath('pem/pending-signed.pem'), '--alias', 'pending', '--password-env', 'PW']);
    const pending = keytoolList(dir(file), 'changeit').entries.find((e) => e.alias === 'pending');
    assert.deepEqual([/installed as its CA reply/.test(out), pending?.chainLength], [true, 2]);
    assertKeytoolRecoversKey(file, 'changeit', 'pending');
  });

  it('export-cert and csr never write --out over a keystore (keytool would replace it with a PEM)', async () => {
    const file = copy('jks-rsa.jks');
    const before = fs.readFileSync(dir(file));
    const runs = [
      await runCli(['export-cert', file, '--alias', 'server', '--out', file, '--password-env', 'PW'], { env: { PW: 'changeit' }, cwd: dir() }),
      await runCli(['csr', file, '--alias', 'server', '--out', file, '--password-env', 'PW'], { env: { PW: 'changeit' }, cwd: dir() }),
    ];
    const actual = { codes: runs.map((r) => r.code), said: runs.map((r) => r.stderr.trim()), kept: fs.readFileSync(dir(file)).equals(before) };
    assert.deepEqual(actual, { codes: [1, 1], said: Array(2).fill(`mi-keystores: ${file} is a keystore; choose another file for --out.`), kept: true });
  });

  it("import-cert warns, as keytool does, of a disabled or legacy signature or key size (JDK 17's java.security)", async () => {
    const make = (name: string, args: string[]) => openssl(['req', '-x509', '-nodes', '-keyout', dir(`${name}.key`), '-out', dir(`${name}.pem`), '-days', '2', ...args], dir());
    make('ca-weak', ['-newkey', 'rsa:2048', '-subj', '/CN=weak ca']);
    openssl(['req', '-newkey', 'rsa:1024', '-nodes', '-keyout', dir('w.key'), '-out', dir('w.csr'), '-subj', '/CN=weak leaf'], dir());
    openssl(['x509', '-req', '-in', dir('w.csr'), '-CA', dir('ca-weak.pem'), '-CAkey', dir('ca-weak.key'), '-CAcreateserial', '-sha1', '-out', dir('w.pem'), '-days', '2'], dir());
    const r = await runCli(['import-cert', 'weak.jks', 'w.pem', '--alias', 'w', '--password-env', 'PW'], { env: { PW: 'changeit' }, cwd: dir() });
    const strong = await runCli(['import-cert', 'weak.jks', 'ca-weak.pem', '--alias', 'ca', '--password-env', 'PW'], { env: { PW: 'changeit' }, cwd: dir() });
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    assert.deepEqual([r.code, warnings.length, /SHA1withRSA .*will be disabled/.test(r.stderr), /1024-bit RSA key/.test(r.stderr), strong.stderr], [0, 2, true, true, '']);
  });

  // A self-run CA's fullchain.pem (seen in a public repository): the intermediate has the root's name and no
  // AuthorityKeyIdentifier, so the JDK takes the first certificate of that name as its issuer.
  it('import-pem into PKCS12 of a chain whose intermediate shares its root\'s name: keytool reads the whole chain', async () => {
    const ext = (name: string, text: string) => fs.writeFileSync(dir(name), text);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir('u-root.key'), '-out', dir('u-root.pem'), '-subj', '/CN=Universal', '-days', '30'], dir());
    ext('u-inter.ext', 'basicConstraints=critical,CA:true\nauthorityKeyIdentifier=none\nsubjectKeyIdentifier=hash\n');
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir('u-inter.key'), '-out', dir('u-inter.csr'), '-subj', '/CN=Universal'], dir());
    openssl(['x509', '-req', '-in', dir('u-inter.csr'), '-CA', dir('u-root.pem'), '-CAkey', dir('u-root.key'), '-CAcreateserial', '-out', dir('u-inter.pem'), '-days', '30', '-extfile', dir('u-inter.ext')], dir());
    ext('u-leaf.ext', 'basicConstraints=CA:false\nauthorityKeyIdentifier=keyid\n');
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir('u-leaf.key'), '-out', dir('u-leaf.csr'), '-subj', '/CN=leaf'], dir());
    openssl(['x509', '-req', '-in', dir('u-leaf.csr'), '-CA', dir('u-inter.pem'), '-CAkey', dir('u-inter.key'), '-CAcreateserial', '-out', dir('u-leaf.pem'), '-days', '30', '-extfile', dir('u-leaf.ext')], dir());
    fs.writeFileSync(dir('u-chain.pem'), ['u-leaf.pem', 'u-inter.pem', 'u-root.pem'].map((f) => fs.readFileSync(dir(f), 'utf8')).join(''));
    await cli(['import-pem', 'universal.p12', dir('u-leaf.key'), 'u-chain.pem', '--alias', 'server', '--password-env', 'PW']);
    assert.equal(keytoolList(dir('universal.p12'), 'changeit').entries.find((e) => e.alias === 'server')?.chainLength, 3);
  });

  it('import-pem: keytool shows the key with its chain of 2 and recovers it', async () => {
    await cli(['import-pem', 'srv.p12', fixturePath('pem/server-key.pkcs8.pem'), fixturePath('pem/reply-chain.pem'), '--alias', 'server', '--password-env', 'PW']);
    const actual = keytoolList(dir('srv.p12'), 'changeit').entries;
    const expected = keytoolList(fixturePath('jks-chain.jks'), 'changeit').entries.find((e) => e.alias === 'server');
    assert.deepEqual(actual, [expected]);
    assertKeytoolRecoversKey('srv.p12', 'changeit', 'server');
  });

  it('passwd (JKS): keytool opens the store with the new password, the key keeps its own', async () => {
    const file = copy('jks-keypass.jks');
    await cli(['passwd', file, '--password-env', 'OLD', '--new-password-env', 'NEW'], { OLD: 'storepass1' });
    assert.equal(keytoolList(dir(file), 'newpass1').entries.length, 1);
    assertKeytoolRecoversKey(file, 'newpass1', 'signer', 'keypass1');
  });

  // MI's primary keystore has key_password = password; keytool -storepasswd leaves the key behind, and MI then
  // fails with "Cannot recover key". The key follows the store password, as in VS Code, and the output says so.
  it('passwd (JKS): a key whose password was the store password follows it, and keytool recovers it with the new one', async () => {
    const file = copy('jks-rsa.jks');
    const r = await runCli(['passwd', file, '--password-env', 'PW', '--new-password-env', 'NEW'], { env: { PW: 'changeit', NEW: 'newpass1' }, cwd: dir() });
    assert.deepEqual([r.code, /The key password of "server", the old store password, changed with it/.test(r.stdout)], [0, true]);
    assertKeytoolRecoversKey(file, 'newpass1', 'server', 'newpass1');
  });

  // An OpenSSL or Windows .pfx with a non-ASCII password: we can read it, Java 17 (keytool, MI) cannot.
  it('list says when Java refuses the PKCS12 password, as keytool does', async () => {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir('u.key'), '-out', dir('u.pem'), '-subj', '/CN=u', '-days', '2'], dir());
    openssl(['pkcs12', '-export', '-inkey', dir('u.key'), '-in', dir('u.pem'), '-name', 'u', '-out', dir('unicode.p12'), '-passout', 'pass:pässwörd€1'], dir());
    const r = await runCli(['list', 'unicode.p12', '--password-env', 'UPW'], { env: { UPW: 'pässwörd€1' }, cwd: dir() });
    const kt = runKeytool(['-list', '-keystore', dir('unicode.p12'), '-storepass', 'pässwörd€1']);
    assert.deepEqual([r.code, /Java 17 refuses this PKCS12 password/.test(r.stderr), kt.status !== 0], [0, true, true]);
  });

  it('passwd (PKCS12): keytool opens the store and the key with the new password', async () => {
    const file = copy('p12-default.p12');
    await cli(['passwd', file, '--password-env', 'PW', '--new-password-env', 'NEW']);
    assert.equal(keytoolList(dir(file), 'newpass1').entries.length, 2);
    assertKeytoolRecoversKey(file, 'newpass1', 'server');
  });

  it('keypasswd (JKS): keytool recovers the key with the new key password', async () => {
    const file = copy('jks-keypass.jks');
    await cli(['keypasswd', file, '--alias', 'signer', '--password-env', 'S', '--key-password-env', 'K', '--new-key-password-env', 'NEW'], {
      S: 'storepass1',
      K: 'keypass1',
    });
    assertKeytoolRecoversKey(file, 'storepass1', 'signer', 'newpass1');
  });

  it('convert JKS → PKCS12 → JCEKS: keytool reads each with the right password and recovers the key', async () => {
    const file = copy('jks-chain.jks');
    await cli(['convert', file, 'chain.p12', '--type', 'PKCS12', '--password-env', 'PW']);
    await cli(['convert', 'chain.p12', 'chain.jceks', '--type', 'JCEKS', '--password-env', 'PW', '--new-password-env', 'NEW']);
    // parseKeytoolList sorts entries by alias, so the three listings compare whatever order keytool prints.
    const expected = keytoolList(dir(file), 'changeit').entries;
    assert.deepEqual(keytoolList(dir('chain.p12'), 'changeit').entries, expected);
    assert.deepEqual(keytoolList(dir('chain.jceks'), 'newpass1', 'JCEKS').entries, expected);
    assertKeytoolRecoversKey('chain.p12', 'changeit', 'server');
    // The JCEKS key keeps the password that opened it in the PKCS12 source (its store password).
    assertKeytoolRecoversKey('chain.jceks', 'newpass1', 'server', 'changeit', 'JCEKS');
  });

  it('csr: keytool -gencert signs the request with ca.jks', async () => {
    const file = copy('jks-rsa.jks');
    await cli(['csr', file, '--alias', 'server', '--out', 'server.csr', '--password-env', 'PW']);
    keytool(['-gencert', '-keystore', fixturePath('ca.jks'), '-storepass', 'changeit', '-alias', 'ca', '-infile', dir('server.csr'), '-outfile', dir('server.cer'), '-rfc']);
    const printed = keytool(['-printcert', '-file', dir('server.cer')]);
    assert.match(printed, /Owner: CN=localhost, OU=Integration, O=MI Keystores, L=Colombo, C=LK/);
    assert.match(printed, /Issuer: CN=MI Keystores Test CA/);
  });

  /** `list --json` of a store agrees with keytool on its aliases and SHA-256s. */
  const listsAsKeytool = (file: string, password: string) => async () => {
    const doc = JSON.parse(await cli(['list', file, '--password-env', 'P', '--json'], { P: password }));
    const actual = doc.entries.map((e: { alias: string; certificate: { sha256: string } | null }) => `${e.alias} ${e.certificate?.sha256 ?? ''}`).sort();
    const expected = keytoolList(file, password, file.endsWith('.jceks') ? 'JCEKS' : undefined)
      .entries.map((e) => `${e.alias} ${e.sha256s[0] ?? ''}`)
      .sort();
    assert.deepEqual(actual, expected);
  };
  // Every store with its password: the keytool-made fixtures and WSO2's real stores (MANIFEST passwords).
  for (const name of FIXTURE_STORES) {
    const file = fixturePath(name);
    it(`list --json of ${path.relative(REPO_ROOT, file)} matches keytool's aliases and SHA-256s`, listsAsKeytool(file, fixtureStorePassword(name)));
  }
  for (const s of WSO2_STORES) {
    itShared(`list --json of WSO2's ${s.file} matches keytool's aliases and SHA-256s`, listsAsKeytool(wso2StorePath(s.file), s.password));
  }
});
