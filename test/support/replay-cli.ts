import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_SECRET } from './app-harness';

const root = path.resolve(__dirname, '../..');
const exec = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run replay -- <args> --url <url>`, signing with the test servers' secret. */
export async function replayCli(url: string, dataDir: string, ...args: string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AUTH_|EVENT_STORE|KURRENTDB_|REDIS_URL|PORT|HOST|REPLAY_TOKEN)/.test(name)) env[name] = value;
  }
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/replay.ts', ...args, '--url', url],
      { cwd: root, env: { ...env, DATA_DIR: dataDir, AUTH_JWT_SECRET: TEST_SECRET } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
