import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './prepare-path';

/**
 * Run before `npm test` and `npm run screenshots`: the browser tests drive Debian's Chromium (no browser download by
 * Playwright) and need the Noto CJK fonts, without which Chinese renders as boxes. On a Debian machine where we are
 * root both are installed from Debian's packages; elsewhere the path of a Chromium is taken from CHROMIUM_PATH.
 */

const CJK_FONT_DIR = '/usr/share/fonts/opentype/noto';

const missing = [
  ...(existsSync(CHROMIUM_PATH) ? [] : ['chromium']),
  ...(process.env.CHROMIUM_PATH || existsSync(CJK_FONT_DIR) ? [] : ['fonts-noto-cjk']),
];

if (missing.length > 0) {
  const root = process.getuid?.() === 0;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) {
    console.error(`govtiers: the browser tests need ${missing.join(' and ')}; install them (apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  console.log(`govtiers: installing ${missing.join(' and ')} for the browser tests…`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
