// `npm start`: the whole platform on this machine, no AWS account needed. DATA_DIR (default .data/) keeps the data
// between restarts, PORT (default 3000) and HOST (default 127.0.0.1) place the API. Ctrl-C stops everything.
import { resolve } from 'node:path';
import { DEMO_PROVINCE, DEMO_PROVINCE_ADMIN, provisionDemo } from './demo';
import { startLocalRuntime, type DemoContext, type LocalRuntime } from './runtime';

const dataDir = process.env.DATA_DIR === ':memory:' ? ':memory:' : resolve(process.env.DATA_DIR || '.data');
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';
const say = (line: string) => process.stderr.write(`${line}\n`);

const demo = (ctx: DemoContext) => provisionDemo(ctx, dataDir);

// Signals are handled from the start: Ctrl-C during start-up stops whatever has started, once it has.
let stopRequested: NodeJS.Signals | undefined;
let stopRequestedAt = 0;
let runtime: LocalRuntime | undefined;
/**
 * Ctrl-C signals the whole process group, and the launcher (npm, tsx) relays the signal too: the same keypress
 * arrives twice within milliseconds. Only a second one a moment later means "stop waiting, exit now".
 */
const RELAYED_WITHIN_MS = 1000;
const stop = (signal: NodeJS.Signals) => {
  if (stopRequested) {
    if (Date.now() - stopRequestedAt < RELAYED_WITHIN_MS) return;
    say(`govtiers: ${signal} again, exiting now`);
    process.exit(1);
  }
  stopRequested = signal;
  stopRequestedAt = Date.now();
  if (!runtime) {
    say(`govtiers: ${signal}, stopping once started…`);
    return;
  }
  say(`govtiers: ${signal}, stopping…`);
  const t0 = Date.now();
  runtime.stop().then(
    () => {
      say(`govtiers: stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      process.exit(0);
    },
    (e: unknown) => {
      say(`govtiers: stop failed: ${(e as Error).stack ?? String(e)}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

say(`govtiers: starting the local runtime (data: ${dataDir})…`);
try {
  runtime = await startLocalRuntime({ dataDir, port, host, demo, log: say });
} catch (e) {
  say(`govtiers: could not start: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
}

const { url } = runtime;
say(
  [
    '',
    `govtiers ${url} ready in ${(runtime.startupMs / 1000).toFixed(1)} s`,
    `  health      ${url}/health`,
    `  OpenAPI     ${url}/v1/openapi.json`,
    `  tokens      POST ${url}/local/token   (local only; keys: ${runtime.issuer.jwksUrl})`,
    `  data        ${dataDir}`,
    '',
    'Try it:',
    `  TOKEN=$(curl -s -X POST ${url}/local/token -H 'content-type: application/json' \\`,
    `    -d '{"sub":"${DEMO_PROVINCE_ADMIN}","role":"province-admin","unit":"${DEMO_PROVINCE}"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
    `  curl -s ${url}/v1/units/${DEMO_PROVINCE} -H "authorization: Bearer $TOKEN"`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n'),
);
if (stopRequested) {
  const signal = stopRequested;
  stopRequested = undefined;
  stop(signal);
}
