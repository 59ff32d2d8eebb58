import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';

/**
 * Writes `file` all or nothing: `write` fills a temp file beside it, which is fsynced and then
 * renamed over `file`. A crash leaves the old file (and at worst a stray temp file).
 */
export function writeFileAtomically(file: string, write: (fd: number) => void): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    write(fd);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
