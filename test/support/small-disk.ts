import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp';

/**
 * A real small file system (tmpfs) to fill up or make read-only: needs the right to mount (root with
 * CAP_SYS_ADMIN). `available()` says whether this machine allows it.
 */
export class SmallDisk {
  private constructor(
    readonly dir: string,
    private readonly remove: () => void,
  ) {}

  static available(): boolean {
    try {
      const disk = SmallDisk.mount(1);
      disk.unmount();
      return true;
    } catch {
      return false;
    }
  }

  static mount(megabytes: number): SmallDisk {
    const temp = tempDir('saas-small-disk-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', temp.dir], {
        stdio: 'ignore',
      });
    } catch (error) {
      temp.remove();
      throw error;
    }
    return new SmallDisk(temp.dir, temp.remove);
  }

  /** Writes a filler file until the disk is full. */
  fill(): void {
    const fd = openSync(this.fillerFile, 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      // The last bytes: smaller writes until not even one fits.
      for (let size = 32 * 1024; size >= 1; size = Math.floor(size / 2)) {
        try {
          for (;;) writeSync(fd, chunk, 0, size);
        } catch {
          // next smaller size
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  free(): void {
    rmSync(this.fillerFile, { force: true });
  }

  readOnly(readOnly: boolean): void {
    execFileSync('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, this.dir], { stdio: 'ignore' });
  }

  unmount(): void {
    execFileSync('umount', ['-l', this.dir], { stdio: 'ignore' });
    this.remove();
  }

  private get fillerFile(): string {
    return path.join(this.dir, 'filler');
  }
}
