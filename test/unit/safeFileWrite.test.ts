import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  readKeystoreFile,
  readKeystoreFileSync,
  withKeystoreLock,
  writeKeystoreFile,
} from '../../src/core/io/safeFileWrite';
import { FileAccessError, FileChangedError, FileTooLargeError, WriteVerificationError } from '../../src/core/errors';
import { loadKeystore, saveKeystore } from '../../src/core/io/keystoreStore';
import { deleteEntry } from '../../src/core/keystore';
import { FIXTURES } from '../helpers/fixtures';


describe('safeFileWrite: safe reads and atomic writes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-ksfile-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bytes = (s: string) => new Uint8Array(Buffer.from(s));
  const text = (file: string) => fs.readFileSync(file, 'utf8');
  const strays = () => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));

  it('reads the bytes and a snapshot of size, mtime and inode', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'hello');
    const st = fs.statSync(file);
    const actual = await readKeystoreFile(file);
    assert.equal(Buffer.from(actual.bytes).toString(), 'hello');
    assert.deepEqual(actual.snapshot, { size: 5, mtimeMs: st.mtimeMs, ino: st.ino });
  });

  it('refuses a file above the size limit with FileTooLargeError', async () => {
    const file = path.join(dir, 'big.jks');
    fs.writeFileSync(file, Buffer.alloc(1025));
    await assert.rejects(readKeystoreFile(file, 1024), FileTooLargeError);
  });

  it('reports a missing file as FileAccessError with code ENOENT', async () => {
    const actual = await readKeystoreFile(path.join(dir, 'missing.jks')).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(actual instanceof FileAccessError);
    assert.equal(actual.code, 'ENOENT');
  });

  it('reads the same bytes and snapshot with blocking calls, and refuses the same files', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'hello');
    const actual = readKeystoreFileSync(file);
    assert.deepEqual(actual, await readKeystoreFile(file));
    fs.writeFileSync(path.join(dir, 'big.jks'), Buffer.alloc(1025));
    assert.throws(() => readKeystoreFileSync(path.join(dir, 'big.jks'), 1024), FileTooLargeError);
    assert.throws(() => readKeystoreFileSync(path.join(dir, 'missing.jks')), (e: unknown) => e instanceof FileAccessError && e.code === 'ENOENT');
    assert.throws(() => readKeystoreFileSync(dir), (e: unknown) => e instanceof FileAccessError);
  });

  it('removes the temp files killed writers of the store left, and nothing else', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'old');
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const livePid = process.ppid;
    const names = {
      dead: `.a.jks.${deadPid}-0123456789ab.tmp`,
      liveOld: `.a.jks.${livePid}-0123456789ac.tmp`,
      liveFresh: `.a.jks.${livePid}-0123456789ad.tmp`,
      otherStore: `.b.jks.${deadPid}-0123456789ae.tmp`,
      notOurs: '.a.jks.notes.tmp',
    };
    for (const name of Object.values(names)) fs.writeFileSync(path.join(dir, name), 'partial');
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000);
    fs.utimesSync(path.join(dir, names.liveOld), elevenMinutesAgo, elevenMinutesAgo);
    const { snapshot } = await readKeystoreFile(file);
    await writeKeystoreFile(file, bytes('new'), { expected: snapshot });
    assert.deepEqual(strays().sort(), [names.liveFresh, names.notOurs, names.otherStore].sort());
  });

  it('writes a new file with mode 0600 when expected is null', async () => {
    const file = path.join(dir, 'new.p12');
    await writeKeystoreFile(file, bytes('new'), { expected: null });
    assert.equal(text(file), 'new');
    if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('keeps the mode of the file it replaces', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o640);
    const { snapshot } = await readKeystoreFile(file);
    await writeKeystoreFile(file, bytes('new'), { expected: snapshot });
    if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  });

  it('replaces the file when it is unchanged since the snapshot and leaves no temp file', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'old');
    const { snapshot } = await readKeystoreFile(file);
    await writeKeystoreFile(file, bytes('new'), { expected: snapshot });
    assert.equal(text(file), 'new');
    assert.deepEqual(strays(), []);
  });

  it('refuses with FileChangedError when the file changed since it was read', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'old');
    const { snapshot } = await readKeystoreFile(file);
    fs.writeFileSync(file, 'someone else, longer');
    await assert.rejects(writeKeystoreFile(file, bytes('mine'), { expected: snapshot }), FileChangedError);
    assert.equal(text(file), 'someone else, longer');
    assert.deepEqual(strays(), []);
  });

  it('refuses with FileChangedError when a file appeared where none was expected', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'appeared');
    await assert.rejects(writeKeystoreFile(file, bytes('mine'), { expected: null }), FileChangedError);
    assert.equal(text(file), 'appeared');
  });

  it('refuses when the file changes while the new bytes are being verified', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'old');
    const { snapshot } = await readKeystoreFile(file);
    const verify = async () => {
      fs.writeFileSync(file, 'edited during verify');
    };
    await assert.rejects(writeKeystoreFile(file, bytes('mine'), { expected: snapshot, verify }), FileChangedError);
    assert.equal(text(file), 'edited during verify');
    assert.deepEqual(strays(), []);
  });

  it('passes the bytes read back from disk to verify', async () => {
    const file = path.join(dir, 'a.jks');
    let seen = '';
    await writeKeystoreFile(file, bytes('payload'), {
      verify: async (b) => {
        seen = Buffer.from(b).toString();
      },
    });
    assert.equal(seen, 'payload');
  });

  it('leaves the old file and no temp file when verify fails', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'old');
    const verify = async () => {
      throw new Error('does not decode');
    };
    await assert.rejects(writeKeystoreFile(file, bytes('bad'), { verify }), /does not decode/);
    assert.equal(text(file), 'old');
    assert.deepEqual(strays(), []);
  });

  it('leaves the old file and no temp file when a failure strikes between write and rename', async () => {
    const file = path.join(dir, 'a.jks');
    fs.writeFileSync(file, 'old');
    let tempSeen = '';
    const beforeRename = (temp: string) => {
      tempSeen = temp;
      throw new Error('crash before rename');
    };
    await assert.rejects(writeKeystoreFile(file, bytes('new'), { beforeRename }), /crash before rename/);
    assert.equal(text(file), 'old');
    assert.equal(path.dirname(tempSeen), dir);
    assert.match(path.basename(tempSeen), new RegExp(`^\\.a\\.jks\\.${process.pid}-[0-9a-f]{12}\\.tmp$`));
    assert.deepEqual(strays(), []);
  });

  it('replaces the file a symlink points to and keeps the link (skipped on Windows, where symlinks need privileges)', async function () {
    if (process.platform === 'win32') this.skip();
    const real = path.join(dir, 'real.jks');
    const link = path.join(dir, 'link.jks');
    fs.writeFileSync(real, 'old');
    fs.symlinkSync(real, link);
    const { snapshot } = await readKeystoreFile(link);
    await writeKeystoreFile(link, bytes('new'), { expected: snapshot });
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(text(real), 'new');
  });

  it('serializes concurrent writes to one file', async () => {
    const file = path.join(dir, 'a.jks');
    const events: string[] = [];
    const slowVerify = (name: string) => async () => {
      events.push(`${name} verify start`);
      await new Promise((r) => setImmediate(r));
      events.push(`${name} verify end`);
    };
    await Promise.all([
      writeKeystoreFile(file, bytes('first'), { verify: slowVerify('A') }),
      writeKeystoreFile(file, bytes('second'), { verify: slowVerify('B') }),
    ]);
    assert.deepEqual(events, ['A verify start', 'A verify end', 'B verify start', 'B verify end']);
    assert.equal(text(file), 'second');
  });

  it('runs locked read-modify-write operations on one file one after the other, losing no change', async () => {
    const file = path.join(dir, 'counter.txt');
    fs.writeFileSync(file, '0');
    const increment = () =>
      withKeystoreLock(file, async () => {
        const { bytes: b, snapshot } = await readKeystoreFile(file);
        await new Promise((r) => setImmediate(r));
        await writeKeystoreFile(file, bytes(String(Number(Buffer.from(b).toString()) + 1)), { expected: snapshot });
      });
    await Promise.all([increment(), increment(), increment(), increment()]);
    assert.equal(text(file), '4');
    assert.deepEqual(strays(), []);
  });

  describe('loadKeystore / saveKeystore', () => {
    it('saves a changed store that loads back with the password', async () => {
      const file = path.join(dir, 'a.p12');
      fs.copyFileSync(path.join(FIXTURES, 'p12-default.p12'), file);
      const loaded = await loadKeystore(file, 'changeit');
      await saveKeystore(file, deleteEntry(loaded.store, 'ca'), 'changeit', loaded.snapshot);
      const actual = await loadKeystore(file, 'changeit');
      assert.deepEqual(actual.store.entries.map((e) => e.alias), ['server']);
    });

    it('refuses a write that would not read back whole, and leaves the file as it was', async () => {
      const file = path.join(dir, 'a.p12');
      fs.copyFileSync(path.join(FIXTURES, 'p12-chain.p12'), file);
      const loaded = await loadKeystore(file, 'changeit');
      const server = loaded.store.entries.find((e) => e.kind === 'private-key')!;
      const other = loaded.store.entries.find((e) => e.kind === 'trusted-cert')!;
      assert.ok(server.kind === 'private-key' && other.kind === 'trusted-cert');
      // A PKCS12 reader rebuilds chains by issuer: a chain leaf + the leaf again cannot come back as written.
      const lossy = { ...loaded.store, entries: [{ ...server, chain: [server.chain[0], server.chain[0]] }, other] };
      await assert.rejects(saveKeystore(file, lossy, 'changeit', loaded.snapshot), (e: unknown) => e instanceof WriteVerificationError && /"server"/.test(e.message));
      assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(FIXTURES, 'p12-chain.p12')));
      assert.deepEqual(strays(), []);
    });

    it('refuses to save over a store that changed since it was loaded', async () => {
      const file = path.join(dir, 'a.jks');
      fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), file);
      const loaded = await loadKeystore(file, 'changeit');
      fs.copyFileSync(path.join(FIXTURES, 'jks-chain.jks'), file);
      await assert.rejects(saveKeystore(file, deleteEntry(loaded.store, 'ca'), 'changeit', loaded.snapshot), FileChangedError);
      assert.deepEqual(fs.readFileSync(file), fs.readFileSync(path.join(FIXTURES, 'jks-chain.jks')));
    });
  });
});
