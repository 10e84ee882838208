import { OPERATIONS_BY_FUNCTION } from '../functions/catalog';
import { routeKey, type Operation } from '../shared/http/operation';
import type { QueueId, TableId } from '../shared/resources';

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
    id: 'tiers',
    entry: 'functions/tiers/handler.ts',
    description: 'Work between tiers: assignments down, escalation and supervision of cases, notices published once',
    // Cases, notices and outboxes in every level table; units and settings read from the registry; attachments in the bucket.
    tables: { registry: 'read', province: 'write', city: 'write', county: 'write', township: 'write', village: 'write' },
    sends: [],
    consumes: [],
    bucket: 'write',
    timeoutSeconds: 29,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.tiers,
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
