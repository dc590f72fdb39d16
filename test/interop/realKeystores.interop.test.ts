/**
 * The engine against 290 keystores that 18 open-source projects committed as test resources, with what JDK 17
 * keytool lists for each (../shared/fixtures/real-keystores: expected.json, MANIFEST.md). The files come from
 * other projects, so they are read where they lie and never copied into the repository; without them (a clone
 * of the repository alone) the suite is skipped and says so in its title.
 *
 * Every file: `list --json` gives keytool's aliases (case-insensitively), kinds, leaf SHA-256 and chain lengths,
 * and a wrong password gives one line and exit 1 wherever keytool rejects it. The `writeSample` stores are
 * converted to each other format, re-passworded, given a certificate and exported, and real keytool reads each
 * result back with nothing lost (all keytool runs share one JVM: test/helpers/keytoolBatch.ts).
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli, type CliRun } from '../helpers/cli';
import { parseKeytoolList, type KeytoolEntry } from '../helpers/keytool';
import { keytoolBatch } from '../helpers/keytoolBatch';
import type { KeytoolRun } from '../helpers/keytool';
import type { ListedEntry, ListedKeystore } from '../../src/cli/format/keystoreList';
import { SHARED_FIXTURES } from '../helpers/fixtures';

const ROOT = path.join(SHARED_FIXTURES, 'real-keystores');
const PRESENT = existsSync(path.join(ROOT, 'expected.json'));

/** One entry as expected.json records keytool's listing. */
interface ExpectedEntry {
  readonly alias: string;
  readonly kind: 'PrivateKeyEntry' | 'trustedCertEntry' | 'SecretKeyEntry';
  readonly sha256: string | null;
  readonly chainLength: number | null;
}

/** One store of expected.json. */
interface ExpectedStore {
  readonly id: string;
  readonly file: string;
  readonly password: string;
  /** keytool listed it without any password (so it skipped what only a password opens). */
  readonly noPassword?: boolean;
  readonly keyPasswords?: Readonly<Record<string, string | null>>;
  readonly writeSample?: boolean;
  readonly keytool: {
    readonly readable: boolean;
    readonly type?: 'JKS' | 'JCEKS' | 'PKCS12';
    readonly entries?: readonly ExpectedEntry[];
    readonly wrongPasswordRejected?: boolean;
    readonly error?: string;
  };
}

/**
 * Files keytool refuses for a reason our one line names. Both hold Diffie-Hellman certificates whose X9.42
 * domain parameters carry q: the JDK's DHPublicKey takes the third INTEGER for the private-value length (an
 * int) and fails ("Integer exceeds maximum valid value"); inside an encrypted safe that failure surfaces as
 * "keystore password was incorrect". We refuse both as Java would, saying why, and not as a wrong password.
 */
const REFUSED_AS_JAVA_REFUSES: Readonly<Record<string, RegExp>> = {
  '139': /[Jj]ava cannot read this keystore: a certificate holds a Diffie-Hellman key with X9\.42 domain parameters/,
  '150': /[Jj]ava cannot read this keystore: .*X9\.42 domain parameters.*keytool reports it as "keystore password was incorrect"/,
};


/** Entries in one vocabulary, for one deepEqual. */
interface Row {
  readonly alias: string;
  readonly kind: string;
  readonly sha256: string | null;
  readonly chainLength: number | null;
}

const KIND: Readonly<Record<ListedEntry['kind'], string>> = {
  'private-key': 'PrivateKeyEntry',
  'trusted-cert': 'trustedCertEntry',
  'secret-key': 'SecretKeyEntry',
};

const rows = (list: readonly Row[]): Row[] =>
  [...list].sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
const fromExpected = (e: ExpectedEntry): Row => ({
  alias: e.alias.toLowerCase(),
  kind: e.kind,
  sha256: e.sha256,
  chainLength: e.kind === 'PrivateKeyEntry' ? e.chainLength : null,
});
const fromListed = (e: ListedEntry): Row => ({
  alias: e.alias.toLowerCase(),
  kind: KIND[e.kind],
  sha256: e.certificate?.sha256 ?? null,
  chainLength: e.kind === 'private-key' ? e.chainLength : null,
});
const fromKeytool = (e: KeytoolEntry): Row => ({
  alias: e.alias.toLowerCase(),
  kind: e.entryType,
  sha256: e.sha256s[0] ?? null,
  chainLength: e.entryType === 'PrivateKeyEntry' ? e.chainLength : null,
});

const WRONG_PASSWORD = 'not-the-password-7';
const NEW_PASSWORD = 'changed-password-1';
const IMPORTED_ALIAS = 'imported-cert';
const OTHER_FORMATS = { JKS: ['PKCS12', 'JCEKS'], JCEKS: ['JKS', 'PKCS12'], PKCS12: ['JKS', 'JCEKS'] } as const;
const EXTENSION = { JKS: 'jks', JCEKS: 'jceks', PKCS12: 'p12' } as const;

const isOneLine = (s: string): boolean => /^[^\n]+\n$/.test(s);
const short = (s: ExpectedStore): string => `${s.id} ${path.basename(s.file).slice(4)}`;

/** The CLI in-process, passwords in the environment as a person would pass them. */
function cli(argv: readonly string[], env: Readonly<Record<string, string>>, cwd: string): Promise<CliRun> {
  return runCli(argv, { env, cwd });
}

/** What the round trips of one writeSample store produced, and the keytool commands that read them back. */
interface RoundTrip {
  readonly runs: Record<string, CliRun>;
  readonly files: Record<string, string>;
  readonly keytool: Record<string, number>;
}

(PRESENT ? describe : describe.skip)(
  PRESENT
    ? 'real keystores of 18 projects (../shared/fixtures/real-keystores) read and written as keytool does'
    : 'real keystores: SKIPPED because ../shared/fixtures/real-keystores is absent (a clone of the repository alone)',
  function () {
    this.timeout(600_000);
    const expected = PRESENT ? (JSON.parse(readFileSync(path.join(ROOT, 'expected.json'), 'utf8')) as { stores: ExpectedStore[]; importCert: { file: string; sha256: string } }) : null;
    const stores = expected?.stores ?? [];
    let work = '';
    const keytoolRuns: KeytoolRun[] = [];
    const commands: string[][] = [];
    /** Queues a keytool command for the one batch and returns its index. */
    const queue = (args: string[]): number => commands.push(args) - 1;
    const emptyPasswordListing = new Map<string, number>();
    const roundTrips = new Map<string, RoundTrip>();
    const startedAt = Date.now();

    before(async function () {
      work = mkdtempSync(path.join(tmpdir(), 'real-keystores-'));
      // keytool listed these without a password, so PKCS12 encrypted safes were skipped: ask it again with the
      // empty password the upstream tests use, which is what we are given too.
      for (const s of stores) {
        if (s.noPassword && s.keytool.readable) emptyPasswordListing.set(s.id, queue(['-list', '-v', '-keystore', path.join(ROOT, s.file), '-storepass', '']));
      }
      for (const s of stores.filter((x) => x.writeSample)) roundTrips.set(s.id, await writeRoundTrip(s));
      const started = Date.now();
      keytoolRuns.push(...keytoolBatch(commands));
      console.log(`      (keytool: ${commands.length} commands in one JVM, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    });

    after(() => {
      if (work) rmSync(work, { recursive: true, force: true });
      console.log(`      (real keystores: ${((Date.now() - startedAt) / 1000).toFixed(1)} s in all)`);
    });

    /** Runs our commands on a copy of a writeSample store and queues keytool to read every result. */
    async function writeRoundTrip(s: ExpectedStore): Promise<RoundTrip> {
      const dir = mkdtempSync(path.join(work, `${s.id}-`));
      const source = path.join(ROOT, s.file);
      const type = s.keytool.type!;
      const keyPassword = Object.values(s.keyPasswords ?? {}).find((p): p is string => typeof p === 'string');
      const env: Record<string, string> = { PW: s.password, NEW_PW: NEW_PASSWORD, ...(keyPassword ? { KEY_PW: keyPassword } : {}) };
      const keyFlags = keyPassword ? ['--key-password-env', 'KEY_PW'] : [];
      const runs: Record<string, CliRun> = {};
      const files: Record<string, string> = {};
      const keytoolIndex: Record<string, number> = {};
      /**
       * keytool lists a result, then copies entries out of it, which opens every key and secret key: all at
       * once from PKCS12 (keys sealed with the store password), one alias at a time with its key password from
       * JKS and JCEKS (keytool takes -srckeypass only with -srcalias).
       */
      /** `keysFollow`: passwd moved the private keys whose password was the old store password to the new one. */
      const readBack = (name: string, file: string, password: string, keysFollow = false): void => {
        keytoolIndex[`list:${name}`] = queue(['-list', '-v', '-keystore', file, '-storepass', password]);
        const copyTo = (suffix: string): string[] => ['-destkeystore', path.join(dir, `${name}.${suffix}.keytool-copy.p12`), '-deststoretype', 'PKCS12', '-deststorepass', 'copy-password-1'];
        if (file.endsWith('.p12')) {
          keytoolIndex[`copy:${name}`] = queue(['-importkeystore', '-noprompt', '-srckeystore', file, '-srcstorepass', password, ...copyTo('all')]);
          return;
        }
        // A JKS result holds no secret keys (convert left them out, or refused).
        entries(s)
          .filter((e) => e.kind !== 'trustedCertEntry' && !(file.endsWith('.jks') && e.kind === 'SecretKeyEntry'))
          .forEach((e, i) => {
            const own = s.keyPasswords?.[e.alias] ?? keyPassword ?? s.password;
            const keyPass = keysFollow && e.kind === 'PrivateKeyEntry' && own === s.password ? password : own;
            keytoolIndex[`copy:${name}:${i}`] = queue([
              '-importkeystore', '-noprompt', '-srckeystore', file, '-srcstorepass', password, '-srcalias', e.alias, '-srckeypass', keyPass, ...copyTo(String(i)),
            ]);
          });
      };
      for (const target of OTHER_FORMATS[type]) {
        const out = path.join(dir, `converted.${EXTENSION[target]}`);
        runs[`convert:${target}`] = await cli(['convert', source, out, '--type', target, '--password-env', 'PW', ...keyFlags], env, dir);
        if (runs[`convert:${target}`].code === 0) {
          files[`convert:${target}`] = out;
          readBack(`convert-${target}`, out, s.password);
        } else if (existsSync(out)) {
          files[`convert:${target}:leftover`] = out;
        }
        const partial = path.join(dir, `skipped.${EXTENSION[target]}`);
        runs[`skip:${target}`] = await cli(['convert', source, partial, '--type', target, '--password-env', 'PW', '--skip-unsupported', ...keyFlags], env, dir);
        if (runs[`skip:${target}`].code === 0) {
          files[`skip:${target}`] = partial;
          readBack(`skip-${target}`, partial, s.password);
        }
      }
      const passwd = path.join(dir, `passwd.${EXTENSION[type]}`);
      copyFileSync(source, passwd);
      runs.passwd = await cli(['passwd', passwd, '--password-env', 'PW', '--new-password-env', 'NEW_PW'], env, dir);
      if (runs.passwd.code === 0) readBack('passwd', passwd, NEW_PASSWORD, true);
      const imported = path.join(dir, `import-cert.${EXTENSION[type]}`);
      copyFileSync(source, imported);
      runs.importCert = await cli(['import-cert', imported, path.join(ROOT, expected!.importCert.file), '--alias', IMPORTED_ALIAS, '--password-env', 'PW'], env, dir);
      if (runs.importCert.code === 0) readBack('import-cert', imported, s.password);
      const first = s.keytool.entries!.find((e) => e.sha256 !== null);
      if (first) {
        const pem = path.join(dir, 'exported.pem');
        runs.exportCert = await cli(['export-cert', source, '--alias', first.alias, '--out', pem, '--password-env', 'PW'], env, dir);
        if (runs.exportCert.code === 0) keytoolIndex.printcert = queue(['-printcert', '-file', pem]);
      }
      return { runs, files, keytool: keytoolIndex };
    }

    /** The entries keytool listed for a store. */
    const entries = (s: ExpectedStore): readonly ExpectedEntry[] => s.keytool.entries ?? [];

    /** Asserts every copy keytool made of a result (by -importkeystore) succeeded: each key opened. */
    const keytoolCopied = (trip: RoundTrip, name: string): void => {
      const copies = Object.keys(trip.keytool).filter((k) => k === `copy:${name}` || k.startsWith(`copy:${name}:`));
      for (const k of copies) {
        const run = keytoolOk(trip.keytool[k], `-importkeystore (${k})`);
        assert.doesNotMatch(run.stdout + run.stderr, /[1-9]\d* entries failed/, k);
      }
    };

    /** keytool's answer to a queued command, asserting it succeeded. */
    const keytoolOk = (index: number | undefined, what: string): KeytoolRun => {
      assert.ok(index !== undefined, `no keytool run for ${what}`);
      const run = keytoolRuns[index];
      assert.equal(run.status, 0, `keytool ${what} exited ${run.status}: ${run.stdout}${run.stderr}`);
      return run;
    };

    for (const s of stores) {
      const file = path.join(ROOT, s.file);
      const entries = s.keytool.entries ?? [];

      if (!s.keytool.readable) {
        it(`${short(s)}: refused in one line, as keytool refuses it (${s.keytool.error})`, async () => {
          const actual = await cli(['list', file, '--json', '--password-env', 'PW'], { PW: s.password }, work);
          assert.equal(actual.code, 1, actual.stdout);
          assert.equal(actual.stdout, '');
          assert.ok(isOneLine(actual.stderr), actual.stderr);
          const why = REFUSED_AS_JAVA_REFUSES[s.id];
          if (why) assert.match(actual.stderr, why);
        });
        continue;
      }

      it(`${short(s)}: lists ${entries.length} entries as keytool does${s.noPassword ? ' (with the empty password, as keytool -storepass "")' : ''}`, async () => {
        const actual = await cli(['list', file, '--json', '--password-env', 'PW'], { PW: s.password }, work);
        if (s.noPassword) {
          // keytool listed this without a password; with the empty password it reads (or refuses) what we do.
          const run = keytoolRuns[emptyPasswordListing.get(s.id)!];
          if (run.status !== 0) {
            assert.equal(actual.code, 1, `keytool -storepass "" refused it (${run.stdout.trim()}); we listed it`);
            assert.ok(isOneLine(actual.stderr), actual.stderr);
            return;
          }
          assert.equal(actual.code, 0, actual.stderr);
          const listed = JSON.parse(actual.stdout) as ListedKeystore;
          assert.deepEqual(rows(listed.entries.map(fromListed)), rows(parseKeytoolList(run.stdout).entries.map(fromKeytool)));
          // And the same aliases and kinds as keytool without a password.
          assert.deepEqual(rows(listed.entries.map(fromListed)).map((r) => `${r.alias}:${r.kind}`), rows(entries.map(fromExpected)).map((r) => `${r.alias}:${r.kind}`));
          return;
        }
        assert.equal(actual.code, 0, actual.stderr);
        const listed = JSON.parse(actual.stdout) as ListedKeystore;
        assert.equal(listed.format, s.keytool.type);
        assert.deepEqual(rows(listed.entries.map(fromListed)), rows(entries.map(fromExpected)));
        // A secret key whose key password differs from the store password is listed without algorithm.
        for (const e of listed.entries.filter((x) => x.kind === 'secret-key' && !s.keyPasswords?.[x.alias])) {
          assert.ok(e.secretKey && e.secretKey.size > 0 && e.secretKey.algorithm !== '', `secret key ${e.alias} without algorithm and size`);
        }
      });

      if (s.keytool.wrongPasswordRejected) {
        it(`${short(s)}: a wrong password gives one line and exit 1, as keytool rejects it`, async () => {
          const actual = await cli(['list', file, '--password-env', 'PW'], { PW: WRONG_PASSWORD }, work);
          assert.equal(actual.code, 1, actual.stdout);
          assert.equal(actual.stdout, '');
          assert.ok(isOneLine(actual.stderr), actual.stderr);
          assert.match(actual.stderr, /wrong password/);
          assert.ok(!actual.stderr.includes(WRONG_PASSWORD));
        });
      } else {
        it(`${short(s)}: a wrong password lists it, as keytool does (nothing in it is protected by the password)`, async () => {
          const actual = await cli(['list', file, '--password-env', 'PW'], { PW: WRONG_PASSWORD }, work);
          assert.equal(actual.code, 0, actual.stderr);
        });
      }

      if (!s.writeSample) continue;
      const type = s.keytool.type!;
      const want = rows(entries.map(fromExpected));
      const secretAliases = entries.filter((e) => e.kind === 'SecretKeyEntry').map((e) => e.alias.toLowerCase());

      for (const target of OTHER_FORMATS[type]) {
        it(`${short(s)}: convert --type ${target} keeps every entry or refuses naming what ${target} cannot hold; keytool reads the result`, () => {
          const trip = roundTrips.get(s.id)!;
          const run = trip.runs[`convert:${target}`];
          const skip = trip.runs[`skip:${target}`];
          assert.ok(!trip.files[`convert:${target}:leftover`], 'a refused conversion left a file behind');
          const cannotHold = target === 'JKS' ? secretAliases : [];
          if (s.id === '235' && target === 'PKCS12') cannotHold.push('mykey'); // its 3 certificates do not chain
          if (s.id === '249' && target !== 'JKS') {
            // A non-ASCII store password: Java 17 refuses it for PKCS12 and for JCEKS keys.
            assert.equal(run.code, 1, run.stdout);
            assert.ok(isOneLine(run.stderr), run.stderr);
            return;
          }
          if (cannotHold.length > 0) {
            assert.equal(run.code, 1, run.stdout);
            assert.ok(isOneLine(run.stderr), run.stderr);
            for (const alias of cannotHold) assert.ok(run.stderr.toLowerCase().includes(`"${alias}"`), run.stderr);
            assert.equal(skip.code, 0, skip.stderr);
            for (const alias of cannotHold) assert.ok(skip.stdout.toLowerCase().includes(`left out alias "${alias}"`), skip.stdout);
            const kept = want.filter((r) => !cannotHold.includes(r.alias));
            const listed = parseKeytoolList(keytoolOk(trip.keytool[`list:skip-${target}`], `-list of the --skip-unsupported ${target}`).stdout);
            assert.deepEqual(rows(listed.entries.map(fromKeytool)), kept);
            keytoolCopied(trip, `skip-${target}`);
            return;
          }
          assert.equal(run.code, 0, run.stderr);
          const listed = parseKeytoolList(keytoolOk(trip.keytool[`list:convert-${target}`], `-list of the ${target}`).stdout);
          assert.deepEqual(rows(listed.entries.map(fromKeytool)), want);
          keytoolCopied(trip, `convert-${target}`);
        });
      }

      it(`${short(s)}: passwd keeps every entry and keytool opens them all with the new password`, () => {
        const trip = roundTrips.get(s.id)!;
        assert.equal(trip.runs.passwd.code, 0, trip.runs.passwd.stderr);
        const listed = parseKeytoolList(keytoolOk(trip.keytool['list:passwd'], '-list after passwd').stdout);
        assert.deepEqual(rows(listed.entries.map(fromKeytool)), want);
        keytoolCopied(trip, 'passwd');
      });

      it(`${short(s)}: import-cert import-cert.pem adds one trusted certificate and keeps every entry`, () => {
        const trip = roundTrips.get(s.id)!;
        assert.equal(trip.runs.importCert.code, 0, trip.runs.importCert.stderr);
        const listed = parseKeytoolList(keytoolOk(trip.keytool['list:import-cert'], '-list after import-cert').stdout);
        const added: Row = { alias: IMPORTED_ALIAS, kind: 'trustedCertEntry', sha256: expected!.importCert.sha256, chainLength: null };
        assert.deepEqual(rows(listed.entries.map(fromKeytool)), rows([...want, added]));
        keytoolCopied(trip, 'import-cert');
      });

      const first = entries.find((e) => e.sha256 !== null);
      if (first) {
        it(`${short(s)}: export-cert writes the certificate of "${first.alias}" as keytool -printcert reads it`, () => {
          const trip = roundTrips.get(s.id)!;
          assert.equal(trip.runs.exportCert.code, 0, trip.runs.exportCert.stderr);
          const printed = keytoolOk(trip.keytool.printcert, '-printcert').stdout;
          assert.equal(/SHA256: (\S+)/.exec(printed)?.[1], first.sha256);
        });
      }
    }
  },
);
