import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FILE_NAME = 'auth-secret';

function readSecret(file: string): string {
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) {
    throw new Error(`${file} holds no usable secret; delete it to generate a new one`);
  }
  return secret;
}

/**
 * The HS256 secret used when AUTH_JWT_SECRET is not set: kept in `DATA_DIR/auth-secret` (mode 0600),
 * generated on first use.
 */
export function loadOrCreateJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, FILE_NAME);
  if (fs.existsSync(file)) return readSecret(file);

  fs.mkdirSync(dataDir, { recursive: true });
  const temp = path.join(dataDir, `.${FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}`);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${randomBytes(48).toString('base64url')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // link() never replaces an existing file, so when two processes race the first one wins and the
    // other reads the winner's secret below; readers never see a half-written file.
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return readSecret(file);
}
