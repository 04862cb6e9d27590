import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import { tempFileName } from './names';

/**
 * Temporary files this process is writing right now, by absolute path. The sweep removes every
 * other temporary file it finds: one that no write of this process owns was left by a crash.
 * Kept per process, not per store, so two stores on one folder never remove each other's files.
 */
export const activeTempFiles = new Set<string>();

/**
 * Error codes under which Windows briefly refuses a rename while another handle (a reader, a
 * virus scanner) has the target open. Elsewhere these are permanent and are not retried.
 */
const RETRYABLE_RENAME = process.platform === 'win32' ? new Set(['EPERM', 'EACCES', 'EBUSY']) : new Set<string>();

/**
 * Replaces `dirname/fileName` with `text` so that a reader, or the file after a crash at any
 * moment, holds either the old content or the new one and never a mix: the text goes to a
 * unique temporary file in the same folder, is flushed to disk, and is renamed over the target
 * (a rename within one filesystem is atomic). The folder is created when missing.
 */
export async function writeFileAtomic(dirname: string, fileName: string, text: string): Promise<void> {
  const tempPath = path.join(dirname, tempFileName(fileName, randomBytes(8).toString('hex')));
  activeTempFiles.add(tempPath);
  try {
    await writeAndSync(tempPath, text).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await mkdir(dirname, { recursive: true });
      await writeAndSync(tempPath, text);
    });
    await renameWithRetry(tempPath, path.join(dirname, fileName));
    await syncDirectory(dirname);
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => {});
    throw error;
  } finally {
    activeTempFiles.delete(tempPath);
  }
}

async function writeAndSync(filePath: string, text: string): Promise<void> {
  // `wx`: the name is fresh; never write through a file (or link) someone else put there.
  const handle = await open(filePath, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 5 || !code || !RETRYABLE_RENAME.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
    }
  }
}

/**
 * Codes with which a platform says a directory cannot be opened for flushing (Windows refuses to
 * open one: EISDIR or EACCES) or cannot be flushed at all (Linux answers EINVAL for a file system
 * without fsync, such as procfs; some systems answer EBADF for a read-only handle, ENOTSUP,
 * EOPNOTSUPP or ENOSYS). Only these are skipped; PostgreSQL draws the same line.
 */
const DIRECTORY_OPEN_UNSUPPORTED = new Set(['EISDIR', 'EACCES']);
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EINVAL', 'EBADF', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Makes the rename itself durable. Where the platform cannot flush a directory (the codes above)
 * this is skipped: the rename is still atomic, only its durability across a power cut is then up
 * to the file system. Any other failure (EIO, ENOSPC, ...) is an error: the record may not
 * survive a crash, so the write is not reported as done.
 */
async function syncDirectory(dirname: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for flushing there
  let handle;
  try {
    handle = await open(dirname, 'r');
  } catch (error) {
    if (DIRECTORY_OPEN_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close().catch(() => {});
  }
}
