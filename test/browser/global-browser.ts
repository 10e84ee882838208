import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_PATH } from './prepare-path';

/**
 * One Chromium and one local runtime for every browser test file of a run: each file connects to the browser and
 * opens its own contexts (cookies and storage apart), as a person with a fresh browser would.
 */
export default async function setup(project: TestProject) {
  // The runtime's handlers run in this process, which vitest's `env` does not reach.
  // (set before the runtime's modules load: their logger reads it once).
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const { startWorld } = await import('./world');
  const world = await startWorld();
  let browser: BrowserServer;
  try {
    browser = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  } catch (e) {
    await world.stop();
    throw e;
  }
  project.provide('browserWorld', { url: world.url, wsEndpoint: browser.wsEndpoint() });
  return async () => {
    await browser.close();
    await world.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    browserWorld: { url: string; wsEndpoint: string };
  }
}
