import { execFileSync, spawnSync } from 'node:child_process';
import { ensureDynamoDbLocal } from './emulators';

/**
 * Run before `npm start` and `npm test`: makes sure this machine has what the local emulators need, so a
 * fresh clone works with nothing installed by hand. DynamoDB Local needs a Java runtime (17 or later); on a
 * Debian machine where we are root it is installed from Debian's packages.
 */
function haveJava(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

if (!haveJava()) {
  const root = process.getuid?.() === 0;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) {
    console.error('govtiers: DynamoDB Local needs Java 17+; install a JRE (e.g. apt-get install openjdk-17-jre-headless) and retry.');
    process.exit(1);
  }
  console.log('govtiers: installing a Java runtime for DynamoDB Local (openjdk-17-jre-headless)…');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'openjdk-17-jre-headless'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
await ensureDynamoDbLocal();
