/**
 * Where the tests' fixtures live and what opens them: the keytool-made stores of test/fixtures/keystores
 * (their MANIFEST.md), other projects' files laid beside the repository (../shared/fixtures, never copied
 * into it; tests that read them are skipped, saying so, where it is absent), and a temp folder per test
 * that is removed afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KEYTOOL } from './keytool';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** The keytool-made fixtures (`bash test/fixtures/make-fixtures.sh`): stores, and PEM inputs under `pem/`. */
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/keystores');

/** The JDK programs the tests compile and run as oracles (javax.crypto.Cipher, keytool in one JVM, JSSE). */
export const JAVA_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/java');

/** `keytool -list -v` of each fixture store, as `<store>.list.txt`, written by the same script. */
export const EXPECTED = path.join(FIXTURES, 'expected');

/**
 * Other projects' files (WSO2's stores and deployment.toml files, MI's config-mapper data, a corpus of real
 * keystores), laid beside the repository in CI and sessions and never copied into it.
 */
export const SHARED_FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures');

/** Why tests that read ../shared/fixtures cannot run here, or undefined when it is present. */
export const SHARED_ABSENT: string | undefined = fs.existsSync(SHARED_FIXTURES) ? undefined : 'skipped: ../shared/fixtures is absent';

/** What a test needs besides ../shared/fixtures. */
export interface SharedNeeds {
  /** The test also runs the JDK's keytool, which `npm run test:unit` does without. */
  readonly keytool?: boolean;
}

/** Why a test with these needs cannot run here, or undefined when it can. */
function skipReason(needs: SharedNeeds): string | undefined {
  if (SHARED_ABSENT) return SHARED_ABSENT;
  if (needs.keytool && !fs.existsSync(KEYTOOL)) return `skipped: no JDK keytool at ${KEYTOOL}`;
  return undefined;
}

/**
 * `describe` for tests that read ../shared/fixtures: where it is absent the suite is skipped and its title
 * says so. The body still runs to collect the tests, so it reads those files only in hooks and tests.
 */
export function describeShared(title: string, fn: (this: Mocha.Suite) => void, needs: SharedNeeds = {}): void {
  const reason = skipReason(needs);
  if (reason) describe.skip(`${title} (${reason})`, fn);
  else describe(title, fn);
}

/** `it` for a test that reads ../shared/fixtures: skipped, its title saying so, where it is absent. */
export function itShared(title: string, fn: (this: Mocha.Context) => unknown, needs: SharedNeeds = {}): void {
  const reason = skipReason(needs);
  if (reason) it.skip(`${title} (${reason})`);
  else it(title, fn as Mocha.Func);
}

/** WSO2's real files, under ../shared/fixtures (see its wso2/MANIFEST.md). */
export const WSO2 = path.join(SHARED_FIXTURES, 'wso2');

/** WSO2's real keystores. */
export const WSO2_KEYSTORES = path.join(WSO2, 'keystores');

/** The path of a fixture, e.g. `jks-rsa.jks` or `pem/ca.pem`. */
export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

/** The bytes of a fixture. */
export function readFixture(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(fixturePath(name)));
}

/** The `keytool -list -v` text the fixture script wrote for a fixture store. */
export function readExpectedListing(store: string): string {
  return fs.readFileSync(path.join(EXPECTED, `${store}.list.txt`), 'utf8');
}

/** Every fixture store (JKS, JCEKS, PKCS12), by file name, sorted. */
export const FIXTURE_STORES: readonly string[] = fs
  .readdirSync(FIXTURES)
  .filter((f) => /\.(jks|jceks|p12)$/.test(f))
  .sort();

// MANIFEST.md: jks-keypass.jks is the one store whose passwords are not changeit.
/** The store password of a fixture store. */
export function fixtureStorePassword(store: string): string {
  return store === 'jks-keypass.jks' ? 'storepass1' : 'changeit';
}

/** The key password of the keys of a fixture store. */
export function fixtureKeyPassword(store: string): string {
  return store === 'jks-keypass.jks' ? 'keypass1' : 'changeit';
}

/** One of WSO2's real stores: its path under WSO2_KEYSTORES, its format by magic, its passwords. */
export interface Wso2Store {
  readonly file: string;
  readonly format: 'JKS' | 'PKCS12';
  readonly password: string;
  readonly keyPassword: string;
}

const store = (file: string, format: 'JKS' | 'PKCS12', password = 'wso2carbon', keyPassword = password): Wso2Store => ({ file, format, password, keyPassword });

/** WSO2's real stores in MANIFEST order (kernel 4.9.27's `.jks` files are PKCS12 despite their name). */
export const WSO2_STORES: readonly Wso2Store[] = [
  store('wso2carbon.jks', 'PKCS12'),
  store('client-truststore.jks', 'PKCS12'),
  store('wso2carbon.kernel-4.9.x-head.jks', 'JKS'),
  store('client-truststore.kernel-4.9.x-head.jks', 'JKS'),
  store('mi-vscode-new-project/wso2carbon.jks', 'JKS'),
  store('mi-vscode-new-project/client-truststore.jks', 'JKS'),
  store('mi-sample-expired-2025/wso2carbon.jks', 'JKS'),
  store('mi-sample-expired-2025/client-truststore.jks', 'JKS'),
  store('test-fixtures/vfsKeystore.jks', 'JKS', 'edcrfv', 'qazwsx'),
  store('test-fixtures/esb.jks', 'JKS', '123456'),
  store('test-fixtures/clienttruststore.jks', 'JKS', '123456'),
  store('test-fixtures/rabbitmq-client-keycert.p12', 'PKCS12', 'MySecretPassword'),
];

/** The MANIFEST line of one of WSO2's stores; throws for a file the MANIFEST does not list. */
export function wso2Store(file: string): Wso2Store {
  const found = WSO2_STORES.find((s) => s.file === file);
  if (!found) throw new Error(`${file} is not in WSO2's MANIFEST`);
  return found;
}

/** The path of one of WSO2's stores. */
export function wso2StorePath(file: string): string {
  return path.join(WSO2_KEYSTORES, file);
}

/** The bytes of one of WSO2's stores. */
export function readWso2Store(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(wso2StorePath(file)));
}

/**
 * Registers mocha hooks (call it inside a `describe`) that make a fresh `fs.mkdtempSync` folder under
 * `os.tmpdir()` before each test (`'each'`) or once for the suite (`'all'`) and remove it afterwards;
 * returns a function giving that folder, or a path inside it.
 */
export function useTempDir(prefix: string, scope: 'each' | 'all' = 'each'): (...parts: string[]) => string {
  let dir: string | undefined;
  const make = (): void => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  };
  const remove = (): void => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  };
  if (scope === 'each') {
    beforeEach(make);
    afterEach(remove);
  } else {
    before(make);
    after(remove);
  }
  return (...parts) => {
    if (!dir) throw new Error('the temp folder exists only while a test of its describe runs');
    return path.join(dir, ...parts);
  };
}

/** Copies a fixture into `dir` and returns its file name there (commands run with `cwd` = `dir`). */
export function copyFixture(name: string, dir: string): string {
  const base = path.basename(name);
  fs.copyFileSync(fixturePath(name), path.join(dir, base));
  return base;
}
