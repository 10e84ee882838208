import { OPERATIONS_BY_FUNCTION } from '../functions/catalog';
import { routeKey, type Operation } from './http/operation';
import type { QueueId, TableId } from './resources';

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
