import { OPERATIONS_BY_FUNCTION } from '../functions/catalog';
import { routeKey, type Operation } from '../shared/http/operation';
import { LEVELS } from '../shared/levels';
import { inboxOf, type QueueId, type TableId } from '../shared/resources';

const INBOXES = LEVELS.map(inboxOf);

/**
 * The manifest: every function with what it may touch, and every route with the function serving it. The CDK
 * stack and the local runtime are both built from this, so the two cannot drift apart.
 */

export type Access = 'read' | 'write';

export interface FunctionSpec {
  id: string;
  /** Entry module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  tables: Partial<Record<TableId, Access>>;
  sends: QueueId[];
  /** Queues whose messages this function consumes (as Lambda's event source mapping delivers them). */
  consumes: QueueId[];
  bucket?: Access;
  /** Dead-letter queues this function puts failed messages into ('send') or lists and redrives from ('manage'). */
  deadLetters?: Partial<Record<QueueId, 'send' | 'manage'>>;
  /** Tables whose change stream this function reads (new and changed items), as a stream event source. */
  streams?: TableId[];
  /** Runs on a schedule, every this many minutes. */
  everyMinutes?: number;
  timeoutSeconds: number;
  memoryMb: number;
  operations: Operation[];
}

export const FUNCTIONS: FunctionSpec[] = [
  {
    id: 'platform',
    entry: 'functions/platform/handler.ts',
    description: 'Health, the OpenAPI document and the JSON answer for unknown routes',
    tables: { registry: 'read' },
    sends: [],
    consumes: [],
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.platform,
  },
  {
    id: 'units',
    entry: 'functions/units/handler.ts',
    description: 'The unit hierarchy: create, read, list children, rename/suspend, start imports, job progress',
    // Every level table: a unit's audit chain lives in its level's table.
    tables: { registry: 'write', province: 'write', city: 'write', county: 'write', township: 'write', village: 'write' },
    sends: ['jobs'],
    consumes: [],
    bucket: 'write',
    timeoutSeconds: 29,
    memoryMb: 1024,
    operations: OPERATIONS_BY_FUNCTION.units,
  },
  {
    id: 'importWorker',
    entry: 'functions/units/import-worker.ts',
    description: 'Runs division-tree imports in resumable chunks',
    tables: { registry: 'write', province: 'write', city: 'write', county: 'write', township: 'write', village: 'write' },
    sends: ['jobs'],
    consumes: ['jobs'],
    bucket: 'read',
    // Below the jobs queue's visibility timeout, as Lambda requires; long imports continue in a new invocation.
    timeoutSeconds: 150,
    memoryMb: 1024,
    operations: [],
  },
  {
    id: 'audit',
    entry: 'functions/audit/handler.ts',
    description: "Auditors' read access to the per-unit audit chains",
    tables: { registry: 'read', province: 'read', city: 'read', county: 'read', township: 'read', village: 'read' },
    sends: [],
    consumes: [],
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.audit,
  },
  {
    id: 'people',
    entry: 'functions/people/handler.ts',
    description: 'Departments, staff accounts, and citizen and business accounts with their uniqueness indexes',
    // Records and audit chains in every level table; units and the province-wide uniqueness indexes in the registry.
    tables: { registry: 'write', province: 'write', city: 'write', county: 'write', township: 'write', village: 'write' },
    sends: [],
    consumes: [],
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.people,
  },
  {
    id: 'settings',
    entry: 'functions/settings/handler.ts',
    description: 'Per-unit settings inherited down the tree, and due dates on the effective working-day calendar',
    // Settings sit in the registry beside the units; the level tables hold each unit's audit chain.
    tables: { registry: 'write', province: 'write', city: 'write', county: 'write', township: 'write', village: 'write' },
    sends: [],
    consumes: [],
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.settings,
  },
  {
    id: 'stats',
    entry: 'functions/stats/handler.ts',
    description: "Units' work figures by day: their own, their subtree's and each child's",
    tables: { registry: 'read', province: 'read', city: 'read', county: 'read', township: 'read', village: 'read' },
    sends: [],
    consumes: [],
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.stats,
  },
  {
    id: 'tiersConsumer',
    entry: 'functions/tiers/consumer.ts',
    description: "Applies tier messages at their receiver once, acknowledges them to the sender's outbox",
    // The receiver's level for the effect and its record, the sender's for the acknowledgement: any level.
    tables: { registry: 'read', province: 'write', city: 'write', county: 'write', township: 'write', village: 'write' },
    sends: [],
    consumes: [...INBOXES],
    deadLetters: Object.fromEntries(INBOXES.map((q) => [q, 'send'])),
    timeoutSeconds: 30,
    memoryMb: 512,
    operations: [],
  },
  {
    id: 'tiersRelay',
    entry: 'functions/tiers/relay.ts',
    description: "Sends new outbox items to the inbox queue of the receiver's level",
    tables: {},
    sends: [...INBOXES],
    consumes: [],
    streams: [...LEVELS],
    timeoutSeconds: 30,
    memoryMb: 256,
    operations: [],
  },
  {
    id: 'tiersReconciler',
    entry: 'functions/tiers/reconciler.ts',
    description: 'Sends again the outbox messages not acknowledged in time; publishes the outbox backlog',
    tables: { registry: 'read', province: 'write', city: 'write', county: 'write', township: 'write', village: 'write' },
    sends: [...INBOXES],
    consumes: [],
    everyMinutes: 1,
    timeoutSeconds: 50,
    memoryMb: 256,
    operations: [],
  },
  {
    id: 'queues',
    entry: 'functions/queues/handler.ts',
    description: 'Dead-lettered tier messages: list with their reasons, redrive',
    tables: { registry: 'read', ...Object.fromEntries(LEVELS.map((l) => [l, 'read'])) },
    sends: [...INBOXES],
    consumes: [],
    deadLetters: Object.fromEntries(INBOXES.map((q) => [q, 'manage'])),
    timeoutSeconds: 29,
    memoryMb: 256,
    operations: OPERATIONS_BY_FUNCTION.queues,
  },
];

/** The function that answers requests matching no route (API Gateway's `$default`). */
export const DEFAULT_ROUTE_FUNCTION = 'platform';

export interface RouteSpec {
  key: string;
  method: Operation['method'];
  path: string;
  function: string;
  auth: Operation['auth'];
}

export const ROUTES: RouteSpec[] = FUNCTIONS.flatMap((f) =>
  f.operations.map((op) => ({ key: routeKey(op), method: op.method, path: op.path, function: f.id, auth: op.auth })),
);

export const functionById = (id: string): FunctionSpec => {
  const f = FUNCTIONS.find((x) => x.id === id);
  if (!f) throw new Error(`no function ${id}`);
  return f;
};
