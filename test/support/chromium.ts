import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './temp';

/** Debian's `chromium` package; `.ci/run` installs it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Whether the browser tests run: always under CI (a missing Chromium fails them there), and
 * elsewhere only where Chromium is installed, saying so when it is not.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH) || process.env.CI) return true;
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  return false;
}

/** Headless Chromium on a fresh profile that makes no requests of its own (updates, sync, …). */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = tempDir('saas-chromium-');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      profile.remove();
    },
  };
}
