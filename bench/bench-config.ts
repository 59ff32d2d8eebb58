import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../src/app/config';
import { BENCH_SECRET } from './secret';

/** A bench server's configuration on a new temp DATA_DIR (the caller removes it), silent logs. */
export function benchConfig(prefix: string): { dataDir: string; config: Config } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'silent',
  });
  return { dataDir, config };
}
