/**
 * Replacing a store keeps its owner and group (as root, a `nobody`-owned store stays `nobody`'s), and the
 * lock next to it cannot wedge: a folder at the lock path is a clear error, a lock is removed only by its
 * holder, and waiters that all find one stale lock take turns instead of entering together.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LockPathError } from '../../src/core/errors';
import { withLockFile, writeKeystoreFile } from '../../src/core/io/safeFileWrite';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** uid and gid of `nobody` where the system has one (65534 on Debian, Ubuntu, Alpine). */
const NOBODY = 65534;

/** The pid of a process that has ended (and, right after, is not reused). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('keystore file owner and lock', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-owner-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  (isRoot ? it : it.skip)(`keeps owner and group when root rewrites a nobody-owned store${isRoot ? '' : ' (skipped: needs root)'}`, async function () {
    const file = path.join(dir, 'store.p12');
    fs.writeFileSync(file, 'old', { mode: 0o640 });
    fs.chownSync(file, NOBODY, NOBODY);
    const written = await writeKeystoreFile(file, Buffer.from('new'));
    const st = fs.statSync(file);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777, fs.readFileSync(file, 'utf8')], [NOBODY, NOBODY, 0o640, 'new']);
    assert.equal(written.ownerNotKept, undefined);
  });

  (isRoot ? it : it.skip)(`says so when a writer may not keep the owner${isRoot ? '' : ' (skipped: needs root)'}`, async function () {
    // nobody rewrites a root-owned store in a folder it may write to: the new file can only be nobody's.
    fs.chmodSync(dir, 0o777);
    const file = path.join(dir, 'store.p12');
    fs.writeFileSync(file, 'old', { mode: 0o666 });
    const moduleUrl = path.resolve(__dirname, '../../src/core/io/safeFileWrite.ts');
    const script = `require(${JSON.stringify(moduleUrl)}).writeKeystoreFile(${JSON.stringify(file)}, Buffer.from('new')).then((w) => process.stdout.write(String(w.ownerNotKept)), (e) => { process.stdout.write('failed: ' + e.message); })`;
    const tsxCjs = require.resolve('tsx/cjs');
    const asNobody = { uid: NOBODY, gid: NOBODY, encoding: 'utf8' as const, env: { PATH: process.env.PATH ?? '', HOME: dir, TMPDIR: dir } };
    // The repository may sit where nobody cannot read it (a clone in a 0700 mktemp folder): then there is
    // nothing to run as nobody, and the test says so instead of failing on a module it cannot load.
    const canRead = spawnSync(process.execPath, ['-e', `for (const f of ${JSON.stringify([tsxCjs, moduleUrl])}) require('fs').accessSync(f, require('fs').constants.R_OK)`], asNobody);
    if (canRead.status !== 0) {
      this.test!.title += ' (skipped: the repository is not readable by nobody here)';
      this.skip();
    }
    const r = spawnSync(process.execPath, ['-r', tsxCjs, '-e', script], asNobody);
    assert.match(r.stdout, /store\.p12 now belongs to uid 65534, gid 65534: its owner 0 and group 0 could not be kept/, r.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  });

  it('reports a folder at the lock path as a clear error and writes nothing', async function () {
    const file = path.join(dir, 'store.jks');
    fs.writeFileSync(file, 'old');
    fs.mkdirSync(path.join(dir, '.store.jks.lock'));
    await assert.rejects(writeKeystoreFile(file, Buffer.from('new')), (e: unknown) => {
      assert.ok(e instanceof LockPathError, String(e));
      assert.match(e.message, /\.store\.jks\.lock is not a regular file, so .*store\.jks cannot be locked for writing; nothing was written/);
      return true;
    });
    assert.equal(fs.readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.store.jks.lock', 'store.jks']);
  });

  it('removes only its own lock', async function () {
    const target = path.join(dir, 'store.jks');
    const lock = path.join(dir, '.store.jks.lock');
    await withLockFile(target, async () => {
      // Someone broke our lock and took a new one: releasing ours must not remove theirs.
      fs.rmSync(lock);
      fs.writeFileSync(lock, `${process.pid} someone-else`);
    });
    assert.equal(fs.readFileSync(lock, 'utf8'), `${process.pid} someone-else`);
  });

  it('lets waiters that all find one stale lock in one at a time', async function () {
    const target = path.join(dir, 'store.jks');
    const lock = path.join(dir, '.store.jks.lock');
    for (const stale of ['dead pid', 'old']) {
      fs.writeFileSync(lock, stale === 'dead pid' ? `${deadPid()} 0123456789abcdef` : `${process.pid} 0123456789abcdef`);
      if (stale === 'old') fs.utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      let inside = 0;
      let most = 0;
      let entered = 0;
      await Promise.all(
        Array.from({ length: 12 }, () =>
          withLockFile(target, async () => {
            inside++;
            entered++;
            most = Math.max(most, inside);
            await new Promise((resolve) => setTimeout(resolve, 5));
            inside--;
          }),
        ),
      );
      assert.deepEqual({ stale, entered, most, left: fs.readdirSync(dir) }, { stale, entered: 12, most: 1, left: [] });
    }
  });
});
