import 'reflect-metadata';
import pino from 'pino';
import { closeOnSignals } from '../server/start';
import { startApp } from './app';
import { loadConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const app = await startApp(config, { logger });
  closeOnSignals(app, logger);
}

main().catch((error: unknown) => {
  console.error(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
