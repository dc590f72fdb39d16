/**
 * Safe reading and writing of the files we change, keystores and deployment.toml alike: a size cap on read,
 * a stat snapshot to detect changes made by someone else, and an atomic replace (temp file in the same
 * folder, fsync, rename, fsync the folder) that never leaves a half-written file or a stray temp file behind.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, promises as fsp, constants as fsConstants, readSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { FileAccessError, FileChangedError, FileLockedError, FileTooLargeError, KeystoreError, LockPathError } from '../errors';

/** Keystores are kilobytes; anything above this is not a keystore and is not read into memory. */
export const MAX_KEYSTORE_BYTES = 10 * 1024 * 1024;

/** What identifies one version of a file on disk: enough to notice that someone replaced or edited it. */
export interface FileSnapshot {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/** Turns a Node fs error into a FileAccessError; anything else passes through. */
export function fsError(file: string, err: unknown): unknown {
  if (err instanceof KeystoreError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? new FileAccessError(file, code, { cause: err }) : err;
}

/** The snapshot of a stat result. */
function snapshotOf(st: { size: number; mtimeMs: number; ino: number }): FileSnapshot {
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

/** True when two snapshots describe the same version of a file. */
export function sameSnapshot(a: FileSnapshot, b: FileSnapshot): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** A keystore file's bytes and the snapshot of the version they were read from. */
export interface KeystoreFileContents {
  readonly bytes: Uint8Array;
  readonly snapshot: FileSnapshot;
}

/** Reads a keystore file whole, refusing files larger than `limitBytes` (FileTooLargeError). */
export async function readKeystoreFile(file: string, limitBytes = MAX_KEYSTORE_BYTES): Promise<KeystoreFileContents> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(file, 'r');
    // Stat the open handle, not the path, so the snapshot describes exactly the bytes we read.
    const st = await handle.stat();
    const buffer = bufferFor(file, st, limitBytes);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length) break;
    }
    return contents(file, buffer, filled, st, limitBytes);
  } catch (err) {
    throw fsError(file, err);
  } finally {
    await handle?.close();
  }
}

/**
 * readKeystoreFile for a process that does one thing and ends (the CLI), where waiting for the file is all
 * there is to do: blocking reads skip four trips through libuv's thread pool, and starting that pool, a
 * visible part of a short command. Never for the extension host.
 */
export function readKeystoreFileSync(file: string, limitBytes = MAX_KEYSTORE_BYTES): KeystoreFileContents {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const st = fstatSync(fd);
    const buffer = bufferFor(file, st, limitBytes);
    let filled = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length) break;
    }
    return contents(file, buffer, filled, st, limitBytes);
  } catch (err) {
    throw fsError(file, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The buffer to read an opened file into: at most limit + 1 bytes, as the file may grow between stat and read. */
function bufferFor(file: string, st: Stats, limitBytes: number): Buffer {
  if (!st.isFile()) throw new FileAccessError(file, 'ENOTFILE');
  if (st.size > limitBytes) throw new FileTooLargeError(file, limitBytes);
  return Buffer.alloc(Math.min(st.size, limitBytes) + 1);
}

/** What a read returns, after checking that the file did not grow past the limit while it was read. */
function contents(file: string, buffer: Buffer, filled: number, st: Stats, limitBytes: number): KeystoreFileContents {
  if (filled > limitBytes) throw new FileTooLargeError(file, limitBytes);
  return { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, filled), snapshot: snapshotOf(st) };
}

/** The stat snapshot of `file`, or null when it does not exist. */
export async function statSnapshot(file: string): Promise<FileSnapshot | null> {
  try {
    return snapshotOf(await fsp.stat(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fsError(file, err);
  }
}

/** Options of writeKeystoreFile. */
export interface WriteKeystoreOptions {
  /**
   * The snapshot taken when the file was read: the write is refused (FileChangedError) when the file on
   * disk is no longer that version. `null` means "the file must not exist yet". Undefined skips the check.
   */
  readonly expected?: FileSnapshot | null;
  /** Checks the bytes as read back from disk (e.g. decodes them with the new password) before they replace the target. */
  readonly verify?: (bytes: Uint8Array) => Promise<void>;
  /** Test hook, called after the temp file is complete and verified, just before the rename. */
  readonly beforeRename?: (tempFile: string) => Promise<void> | void;
}

/** Per-path queues: one for whole read-modify-write operations, one for the write itself. */
const operationQueues = new Map<string, Promise<unknown>>();
const writeQueues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier task queued on the same key, and removes the key when the queue drains. */
function enqueue<T>(queues: Map<string, Promise<unknown>>, key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/**
 * Runs a whole read-modify-write operation on `file` after every earlier one on the same file in this
 * process, so two commands on one store never interleave and lose each other's change.
 */
export function withKeystoreLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  return enqueue(operationQueues, path.resolve(file), fn);
}

/** The snapshot of a file just written, and what could not be kept of the file it replaced. */
export interface WrittenFile extends FileSnapshot {
  /** Set when the replaced file's owner or group could not be given to the new file: one sentence to show. */
  readonly ownerNotKept?: string;
}

/**
 * Replaces `file` with `bytes` atomically: temp file `.<name>.<pid>-<random>.tmp` in the same folder (mode,
 * owner and group of the original where permitted, else 0600 and ours), fsync, read back and `verify`,
 * re-check `expected`, rename over the target, fsync the folder, remove the temp files of writers that were
 * killed. On any failure the temp file is removed and the target is left as it was. Returns the snapshot of
 * the file now on disk.
 */
export function writeKeystoreFile(file: string, bytes: Uint8Array, options: WriteKeystoreOptions = {}): Promise<WrittenFile> {
  return enqueue(writeQueues, path.resolve(file), () => writeNow(file, bytes, options));
}

/** Throws FileChangedError unless the file on disk is the `expected` version. */
async function checkUnchanged(file: string, expected: FileSnapshot | null | undefined): Promise<FileSnapshot | null> {
  const current = await statSnapshot(file);
  if (expected === undefined) return current;
  const unchanged = expected === null ? current === null : current !== null && sameSnapshot(current, expected);
  if (!unchanged) throw new FileChangedError(file);
  return current;
}

/** The body of writeKeystoreFile, run inside the per-path write queue. */
async function writeNow(file: string, bytes: Uint8Array, options: WriteKeystoreOptions): Promise<WrittenFile> {
  const current = await checkUnchanged(file, options.expected);
  // Replace the file a symlink points to, as keytool does, rather than the link itself.
  const target = current === null ? path.resolve(file) : await fsp.realpath(file).catch(() => path.resolve(file));
  const dir = path.dirname(target);
  let mode = 0o600;
  let owner: Owner | null = null;
  if (current !== null) {
    const st = await fsp.stat(target);
    mode = st.mode & 0o777;
    owner = { uid: st.uid, gid: st.gid };
  }
  let ownerNotKept: string | undefined;
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    // O_EXCL: never follow or reuse an existing file at the temp name.
    const handle = await fsp.open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, mode);
    try {
      await handle.writeFile(bytes);
      // Before chmod: a chown by anyone but root clears the set-id bits.
      if (owner) ownerNotKept = await keepOwner(handle, owner, file);
      // umask may have narrowed the mode given to open; set it explicitly.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Verify what the disk holds, not what we meant to write, before it replaces anything.
    const written = await fsp.readFile(temp);
    if (options.verify) await options.verify(new Uint8Array(written.buffer, written.byteOffset, written.length));
    if (options.beforeRename) await options.beforeRename(temp);
    // Re-check just before the rename, under a lock file another mi-keystores process also takes: without
    // it, two processes could both pass the check and the second rename would silently drop the first change.
    return await withLockFile(target, async () => {
      await checkUnchanged(file, options.expected);
      await fsp.rename(temp, target);
      renamed = true;
      await syncDirectory(dir);
      await removeStaleTemps(target);
      const written = snapshotOf(await fsp.stat(target));
      return ownerNotKept === undefined ? written : { ...written, ownerNotKept };
    });
  } catch (err) {
    throw fsError(file, err);
  } finally {
    if (!renamed) await fsp.rm(temp, { force: true });
  }
}

/** The owner and group of a file. */
interface Owner {
  readonly uid: number;
  readonly gid: number;
}

/**
 * Gives the new file the owner and group of the one it replaces: a store owned by MI's service user and
 * rewritten by root must stay readable by that user. Only root may give a file away; anyone may pass it to
 * a group they belong to, so the group is tried alone when the pair is refused. Returns what could not be
 * kept, as one sentence, or undefined.
 */
async function keepOwner(handle: fsp.FileHandle, want: Owner, file: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined; // no POSIX owners; ACLs are inherited from the folder
  const st = await handle.stat();
  if (st.uid === want.uid && st.gid === want.gid) return undefined;
  try {
    await handle.chown(want.uid, want.gid);
    return undefined;
  } catch {
    // Not permitted (not root): keep what we may.
  }
  let gid = st.gid;
  if (gid !== want.gid) {
    try {
      await handle.chown(-1, want.gid);
      gid = want.gid;
    } catch {
      // Not a member of that group either.
    }
  }
  const lost = st.uid !== want.uid ? `owner ${want.uid}${gid !== want.gid ? ` and group ${want.gid}` : ''}` : `group ${want.gid}`;
  return `${file} now belongs to uid ${st.uid}, gid ${gid}: its ${lost} could not be kept (only root can give a file away); run \`chown ${want.uid}:${want.gid}\` on it if another user must read it.`;
}

/** How long a writer waits for another process's lock file before giving up. */
const LOCK_WAIT_MS = 10_000;
/** A lock file older than this is left by a crashed writer (the lock is held only for a check and a rename). */
const LOCK_STALE_MS = 10_000;

/** A breaker that holds `.<name>.lock.break` longer than this died while breaking (it takes microseconds). */
const BREAK_STALE_MS = 2_000;

/**
 * Runs `fn` holding `.<name>.lock` next to `target`: created with O_EXCL and holding our token (pid and
 * random bytes), removed afterwards only while it still holds that token. A lock whose process is gone or
 * that is older than LOCK_STALE_MS is broken, so a SIGKILLed writer never blocks the store for good; waiters
 * break locks one at a time (see breakStaleLock), so two of them can never both remove a lock and both enter.
 */
export async function withLockFile<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(path.dirname(target), `.${path.basename(target)}.lock`);
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    if (await createExclusive(lock, token)) break;
    const held = await readLock(lock, target);
    if (held && isStale(held)) {
      await breakStaleLock(lock, held, token, target);
      continue;
    }
    if (Date.now() > deadline) throw new FileLockedError(target);
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.floor(Math.random() * 40)));
  }
  try {
    return await fn();
  } finally {
    await removeIfOurs(lock, token);
  }
}

/** Creates `file` holding `token` unless it exists; false when it does. */
async function createExclusive(file: string, token: string): Promise<boolean> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(token);
  } finally {
    await handle.close();
  }
  return true;
}

/** A lock file as read: its token ('' while its creator is still writing it) and age. */
interface HeldLock {
  readonly token: string;
  readonly mtimeMs: number;
}

/** Reads the lock at `lock`; null when it is gone. A lock path that is not a regular file is a LockPathError. */
async function readLock(lock: string, target: string): Promise<HeldLock | null> {
  try {
    const st = await fsp.lstat(lock);
    if (!st.isFile()) throw new LockPathError(lock, target);
    return { token: await fsp.readFile(lock, 'utf8'), mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** True when the lock's process no longer runs, or the lock is too old to be a live writer's. */
function isStale(held: HeldLock): boolean {
  if (Date.now() - held.mtimeMs > LOCK_STALE_MS) return true;
  const pid = Number(held.token.split(' ')[0]);
  // An empty file is a lock being written right now.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  return !processRuns(pid);
}

/**
 * Removes the stale lock `seen`, holding `.<name>.lock.break` (O_EXCL) while it reads the lock again and
 * removes it only if it still holds the same token and is still stale. Two waiters that both judged the
 * same lock stale thus take turns: the second finds it gone or replaced by a live writer's, and leaves it.
 * (A lock is never replaced in place: a new one can only be created once the stale one is gone.)
 */
async function breakStaleLock(lock: string, seen: HeldLock, token: string, target: string): Promise<void> {
  const breaker = `${lock}.break`;
  if (!(await createExclusive(breaker, token))) {
    // Another waiter is breaking it right now, or died doing so.
    const other = await readLock(breaker, target);
    if (other && Date.now() - other.mtimeMs > BREAK_STALE_MS) await removeIfOurs(breaker, other.token);
    return;
  }
  try {
    const now = await readLock(lock, target);
    if (now && now.token === seen.token && isStale(now)) await fsp.rm(lock, { force: true });
  } finally {
    await removeIfOurs(breaker, token);
  }
}

/** Removes `file` if it still holds `token`: a lock is only ever removed by its holder (or its breaker). */
async function removeIfOurs(file: string, token: string): Promise<void> {
  try {
    if ((await fsp.readFile(file, 'utf8')) === token) await fsp.rm(file, { force: true });
  } catch {
    // Gone already, or no longer a file we can read: not ours to remove.
  }
}

/** A temp file older than this is a killed writer's whatever its pid says (pids are reused; folders shared). */
const TEMP_STALE_MS = 10 * 60_000;

/**
 * Removes the temp files that killed writers of `target` left (`.<name>.<pid>-<hex>.tmp`): those whose
 * process is gone, or older than TEMP_STALE_MS. A live writer's temp file is younger and its process runs.
 * Best effort: the store is already replaced, and a leftover temp file harms nothing but the listing.
 */
async function removeStaleTemps(target: string): Promise<void> {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  try {
    for (const name of await fsp.readdir(dir)) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d+)-[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
      if (!m || Number(m[1]) === process.pid) continue;
      const file = path.join(dir, name);
      const st = await fsp.stat(file);
      if (!processRuns(Number(m[1])) || Date.now() - st.mtimeMs > TEMP_STALE_MS) await fsp.rm(file, { force: true });
    }
  } catch {
    // Listing or removing failed (permissions, a race with another cleaner): the next write tries again.
  }
}

/** Whether a process with this pid runs (on this machine). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** fsyncs a folder so the rename survives a crash; some platforms (Windows) cannot open folders, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the rename itself is atomic; only its durability across a power cut depends on this.
  } finally {
    await handle?.close();
  }
}
