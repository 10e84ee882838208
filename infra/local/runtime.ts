// The whole platform on one machine: emulators for DynamoDB, SQS and S3, the manifest's resources on them, the
// local token issuer, the HTTP gateway in front of the same handlers Lambda runs, and pollers feeding the queue
// consumers. `npm start` (main.ts) and the end-to-end tests both start it from here.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MAC_KEY_DIR_ENV, keysFromEnv } from '../../shared/aws/keys-from-env';
import { createS3Archive } from '../../shared/aws/s3-archive';
import { s3ClientConfig } from '../../shared/aws/s3-files';
import { DEFAULT_ROUTE_FUNCTION, FUNCTIONS, ROUTES, functionById } from '../manifest';
import type { Role } from '../../shared/roles';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import { bootstrapProvince } from '../../tenants/people';
import { accountCheck } from '../../tenants/scope';
import { RUNTIME_FILE, type RuntimeFile } from '../../tenants/cli/runtime-file';
import { VERSION } from '../../shared/version';
import { NOTIFY_LOG_FILE_ENV } from '../../functions/notify/sender';
import { applyEndpointEnv, startEmulators, type Emulators } from './emulators';
import { isLoopback, startGateway, type Gateway } from './gateway';
import { handlerLoader, invoke } from './lambda-host';
import { pollersFor, type Pollers } from './pollers';
import { streamPollersFor } from './streams';
import { tierHealth } from './tier-health';
import { ensureResources, type LocalResources } from './resources';
import { loadIssuerKey, LocalIssuer, LocalSignIn } from './token-issuer';
import { demoSignIns } from './demo';

export interface DemoContext {
  /** The gateway's base URL. */
  url: string;
  /** A token from the local issuer for the demo account `demo-<role>-<unit>` (which needs its record, save citizens'). */
  token(role: Role, unit: string): Promise<string>;
  /** The operator's step `govtiers bootstrap`: the province unit and its first admin. */
  bootstrap(province: string, name: string, sub: string): Promise<void>;
  log(line: string): void;
}


export interface LocalRuntimeOptions {
  /** Where the emulators and the issuer keep their data; ':memory:' keeps nothing. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Runs once everything is up (main.ts provisions the demo province with it). Its failure is logged, not fatal. */
  demo?: (ctx: DemoContext) => Promise<void>;
  /**
   * `auto` polls the queues and streams and runs the scheduled functions as AWS does; `manual` leaves it to
   * `pollers.pollOnce`, `streams.pollOnce` and `schedules.runOnce` (deterministic tests).
   */
  polling?: 'auto' | 'manual';
  /** How often scheduled functions run locally (default: their manifest rate). */
  scheduleEveryMs?: number;
  /** Emulator ports (0 or absent: free ones). */
  emulatorPorts?: { dynamodb?: number; sqs?: number; s3?: number };
  /**
   * Puts something between everything in the process and DynamoDB Local (the benchmark's request-counting proxy):
   * given the emulator's endpoint, returns the one the environment names instead.
   */
  dynamodbEndpointOverride?: (emulator: string) => Promise<string>;
  log?: (line: string) => void;
}

export interface LocalRuntime {
  url: string;
  issuer: LocalIssuer;
  pollers: Pollers;
  /** The stream readers (the tier relay): one read of every shard, handled; returns the records handled. */
  streams: { pollOnce(): Promise<number> };
  /** Scheduled functions (the tier reconciler), run once now; returns the function's answer. */
  schedules: { runOnce(functionId: string): Promise<unknown> };
  resources: LocalResources;
  /** The endpoints the environment names: the emulators', or for DynamoDB what `dynamodbEndpointOverride` put in front. */
  endpoints: Emulators['endpoints'];
  /** Milliseconds from the call to ready. */
  startupMs: number;
  /** Settles when the demo hook (if any) has finished; failures are logged, never thrown. */
  demo: Promise<void>;
  stop(): Promise<void>;
}

export type ComponentState = { status: 'ok' | 'down'; detail?: string } & Record<string, unknown>;

export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const t0 = performance.now();
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => console.error(line));
  // The local issuer mints a token for any role to whoever asks: it must never be reachable from another machine.
  if (!isLoopback(host)) {
    throw new Error(
      `本地运行环境只能监听回环地址（127.0.0.1、::1 或 localhost），因为它会向任何请求者签发令牌；收到 HOST=${host} / ` +
        `the local runtime listens on a loopback address only (127.0.0.1, ::1 or localhost), since it issues tokens to anyone who asks; got HOST=${host}`,
    );
  }
  useDummyCredentials();
  await useLocalMacKeys(opts.dataDir);
  // SMS and e-mail notifications, locally: lines in a log under the data folder (functions/notify/sender.ts).
  if (opts.dataDir !== ':memory:') process.env[NOTIFY_LOG_FILE_ENV] = join(resolvePath(opts.dataDir), 'notifications.log');

  const [emulators, key] = await Promise.all([
    startEmulators({ dataDir: opts.dataDir, host, ports: opts.emulatorPorts }),
    loadIssuerKey(opts.dataDir),
  ]);
  const cleanup: (() => Promise<void>)[] = [() => emulators.stop()];
  const unwind = async () => {
    for (const step of cleanup.reverse()) await step().catch((e: unknown) => log(`local runtime: ${(e as Error).message}`));
  };

  try {
    const dynamodb = (await opts.dynamodbEndpointOverride?.(emulators.endpoints.dynamodb)) ?? emulators.endpoints.dynamodb;
    const endpoints = { ...emulators.endpoints, dynamodb };
    applyEndpointEnv(endpoints);
    const resources = await ensureResources();
    const store = await createDynamoStore();
    if (opts.dataDir !== ':memory:') {
      const file = join(opts.dataDir, RUNTIME_FILE);
      const content: RuntimeFile = {
        dynamodb,
        tables: resources.tables,
        s3: endpoints.s3,
        bucket: resources.bucket,
        macKeyDir: process.env[MAC_KEY_DIR_ENV]!,
      };
      await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
      cleanup.push(() => rm(file, { force: true }));
    }

    // The issuer's URL is the gateway's, known once it listens; the token routes only work from then on anyway.
    let issuer: LocalIssuer | undefined;
    let signIn: LocalSignIn | undefined;
    const needIssuer = () => {
      if (!issuer) throw new Error('the local issuer is not ready');
      return issuer;
    };
    const needSignIn = () => (needIssuer(), signIn!);
    const load = handlerLoader();
    const invokeFunction = async (id: string, event: unknown) => {
      const spec = functionById(id);
      return invoke(await load(spec), event, spec);
    };
    const probes = healthProbes(resources);
    let pollers: Pollers | undefined;
    const streamPollers = streamPollersFor({ functions: FUNCTIONS, tables: resources.tables, load, endpoint: endpoints.dynamodb, log });

    const gateway: Gateway = await startGateway({
      host,
      port: opts.port ?? 0,
      routes: ROUTES,
      defaultFunction: DEFAULT_ROUTE_FUNCTION,
      invoke: invokeFunction,
      authorize: async (token) => needIssuer().verify(token),
      loopbackOnly: true,
      local: {
        'POST /local/token': (event) => needIssuer().tokenRoute(event),
        'GET /local/.well-known/jwks.json': () => needIssuer().jwksRoute(),
        'GET /local/.well-known/openid-configuration': () => needSignIn().discoveryRoute(),
        'GET /local/authorize': (event) => needSignIn().authorizeRoute(event),
        'POST /local/authorize': (event) => needSignIn().chooseRoute(event),
        'POST /local/oauth2/token': (event) => needSignIn().tokenRoute(event),
        'GET /health': async (event) =>
          health(event, () => invokeFunction('platform', event), probes, () => pollersState(pollers, opts.polling ?? 'auto'), tierHealth),
      },
      log,
    });
    cleanup.push(() => gateway.close());
    issuer = new LocalIssuer(key, gateway.url, (p) => accountCheck(store, p));
    signIn = new LocalSignIn(issuer, demoSignIns);
    issuer.applyEnv();

    // Every entry module now, so that a broken import fails the start rather than the first request.
    await Promise.all(FUNCTIONS.map((f) => load(f)));

    pollers = pollersFor({ functions: FUNCTIONS, queues: resources.queues, load, log });
    // Streams are followed from now: the relay sends what is written from here on.
    await Promise.all(streamPollers.map((p) => p.init()));
    const scheduled = FUNCTIONS.filter((f) => f.everyMinutes);
    const runScheduled = (id: string) => invokeFunction(id, scheduledEvent(id));
    const timers: NodeJS.Timeout[] = [];
    if ((opts.polling ?? 'auto') === 'auto') {
      pollers.start();
      for (const p of streamPollers) p.start();
      for (const f of scheduled) {
        const every = opts.scheduleEveryMs ?? f.everyMinutes! * 60_000;
        timers.push(setInterval(() => void runScheduled(f.id).catch((e: unknown) => log(`schedule ${f.id}: ${(e as Error).stack ?? String(e)}`)), every).unref());
      }
    }
    const started = pollers;
    cleanup.push(async () => {
      for (const t of timers) clearInterval(t);
      await Promise.all([started.stop(), ...streamPollers.map((p) => p.stop())]);
    });

    const ready = issuer;
    // The demo runs beside the serving runtime: the API answers while the demo province is being provisioned.
    const demo = opts.demo
      ? opts
          .demo({
            url: gateway.url,
            token: async (role, unit) => (await ready.issue({ sub: `demo-${role}-${unit}`, role, unit })).token,
            bootstrap: async (province, name, sub) => {
              await bootstrapProvince({ store, keys: keysFromEnv(), archive: await createS3Archive(), now: () => new Date() }, 'operator:local-demo', province, name, sub);
            },
            log,
          })
          .catch((e: unknown) => log(`demo: ${(e as Error).stack ?? String(e)}`))
      : Promise.resolve();

    let stopping: Promise<void> | undefined;
    return {
      url: gateway.url,
      issuer,
      pollers,
      streams: {
        pollOnce: async () => (await Promise.all(streamPollers.map((p) => p.pollOnce()))).reduce((a, b) => a + b, 0),
      },
      schedules: { runOnce: runScheduled },
      resources,
      endpoints,
      startupMs: Math.round(performance.now() - t0),
      demo,
      stop: () => (stopping ??= unwind()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}

/**
 * The local runtime never talks to AWS: whatever credentials the shell has are replaced by the emulators' dummy
 * ones (s3rver accepts no other key id), so a mistake cannot reach a real account.
 */
function useDummyCredentials() {
  for (const v of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) delete process.env[v];
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
}

/**
 * The functions' MAC keys (audit chain, identity index) are secrets under the data folder, kept across restarts as the
 * data they sign is; a runtime that keeps nothing uses a fresh folder of its own unless the environment names one.
 */
async function useLocalMacKeys(dataDir: string) {
  if (dataDir !== ':memory:') process.env[MAC_KEY_DIR_ENV] = join(resolvePath(dataDir), 'keys');
  else process.env[MAC_KEY_DIR_ENV] ??= await mkdtemp(join(tmpdir(), 'govtiers-keys-'));
}

function healthProbes(resources: LocalResources) {
  // One attempt, quickly: health must answer even when an emulator does not.
  const fast = { maxAttempts: 1, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } };
  const ddb = new DynamoDBClient(fast);
  const sqs = new SQSClient(fast);
  const s3 = new S3Client({ ...s3ClientConfig(), ...fast });
  const firstQueue = Object.values(resources.queues)[0];
  const probe = async (call: () => Promise<unknown>): Promise<ComponentState> => {
    try {
      await call();
      return { status: 'ok' };
    } catch (e) {
      return { status: 'down', detail: (e as Error).name || String(e) };
    }
  };
  return () =>
    Promise.all([
      probe(() => ddb.send(new DescribeTableCommand({ TableName: resources.tables.registry }))),
      probe(async () => {
        if (firstQueue) await sqs.send(new GetQueueAttributesCommand({ QueueUrl: firstQueue.url, AttributeNames: ['QueueArn'] }));
      }),
      probe(() => s3.send(new HeadBucketCommand({ Bucket: resources.bucket }))),
    ]).then(([dynamodb, sqsState, s3State]) => ({ dynamodb, sqs: sqsState, s3: s3State }));
}

function pollersState(pollers: Pollers | undefined, polling: 'auto' | 'manual'): ComponentState {
  if (!pollers) return { status: 'down', detail: 'not started yet' };
  const states = pollers.state();
  const detail = states
    .map((s) => `${s.queue}→${s.function}: ${s.running ? 'running' : 'stopped'}, ${s.batches} batches, ${s.failures} failed records${s.lastError ? `, last error ${s.lastError.at}: ${s.lastError.message}` : ''}`)
    .join('; ');
  if (polling === 'manual') return { status: 'ok', detail: `manual polling; ${detail}` };
  return { status: states.every((s) => s.running) ? 'ok' : 'down', detail: detail || 'no consumers' };
}

/** What EventBridge hands a function its schedule runs. */
function scheduledEvent(functionId: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: process.env.AWS_REGION ?? 'us-east-1',
    resources: [`arn:aws:events:local:000000000000:rule/${functionId}`],
    detail: {},
  };
}

/** The platform function's health, with the local components added: the emulators, the pollers and the tier transport. */
async function health(
  event: APIGatewayProxyEventV2,
  platform: () => Promise<unknown>,
  probes: () => Promise<Record<string, ComponentState>>,
  pollers: () => ComponentState,
  tiers: () => Promise<ComponentState>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const [answer, local, tierState] = await Promise.all([platform().catch((e: unknown) => e as Error), probes(), tiers()]);
  const result = answer as APIGatewayProxyStructuredResultV2 | Error;
  let body: { status?: string; version?: string; components?: Record<string, ComponentState> } | undefined;
  if (!(result instanceof Error) && typeof result?.body === 'string') {
    try {
      body = JSON.parse(result.body);
    } catch {
      body = undefined;
    }
  }
  const components: Record<string, ComponentState> = {
    ...(body?.components ?? { platform: { status: 'down', detail: result instanceof Error ? result.name : 'no health answer' } }),
    ...local,
    pollers: pollers(),
    tiers: tierState,
  };
  const ok = Object.values(components).every((c) => c.status === 'ok');
  const ownStatus = !(result instanceof Error) && body ? (result.statusCode ?? 200) : 503;
  return {
    statusCode: ownStatus,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(!(result instanceof Error) ? result.headers : {}),
      'x-request-id': event.requestContext.requestId,
    },
    body: JSON.stringify({ ...body, status: ok ? 'ok' : 'degraded', version: body?.version ?? VERSION, components }),
  };
}
