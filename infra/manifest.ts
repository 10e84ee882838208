import { OPERATIONS_BY_FUNCTION } from '../functions/catalog';
import { routeKey, type Operation } from '../shared/http/operation';
import type { KeyPurpose } from '../shared/keys';
import { LEVELS } from '../shared/levels';
import { inboxOf, type QueueId, type TableId } from '../shared/resources';

const INBOXES = LEVELS.map(inboxOf);

/**
 * The manifest: every function with what it may touch, and every route with the function serving it. The CDK
 * stack and the local runtime are both built from this, so the two cannot drift apart.
 */

/**
 * What a function may do with a table or the bucket's objects: read them; also write them (put, update); also delete
 * them. Each level includes the one before. The stack turns a level into IAM actions, and a test evaluates the
 * synthesized policies against what the level means, so a function can do no more than its entry here says.
 */
export type Access = 'read' | 'write' | 'write+delete';

/** The five level tables, each with the same access: most capabilities keep records at every tier. */
const everyLevel = (access: Access) => Object.fromEntries(LEVELS.map((l) => [l, access])) as Record<(typeof LEVELS)[number], Access>;

/** Objects of the files bucket under some key prefixes (each ends with `/`). */
export interface BucketAccess {
  access: Access;
  prefixes: string[];
}

/** API Gateway throttling: steady requests per second, and the burst allowed above it. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}
/** Every route's limit unless it is expensive. */
export const DEFAULT_THROTTLE: Throttle = { rateLimit: 200, burstLimit: 400 };
/**
 * Routes that cost far more than a read (imports now; search and uploads later) get a limit of their own, well below
 * the default, so that a flood of them cannot take the whole API's capacity or run up the bill (等保 2.0 resource control).
 */
export const EXPENSIVE_THROTTLE: Throttle = { rateLimit: 2, burstLimit: 5 };

export interface FunctionSpec {
  id: string;
  /** Entry module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  tables: Partial<Record<TableId, Access>>;
  sends: QueueId[];
  /** Queues whose messages this function consumes (as Lambda's event source mapping delivers them). */
  consumes: QueueId[];
  bucket?: BucketAccess;
  /**
   * MAC keys (`shared/keys.ts`) it may use: `sign` makes MACs (KMS GenerateMac), `verify` only checks them (VerifyMac).
   * The audit key's `sign` also adds checkpoints to the write-once archive, and its `verify` reads them.
   */
  keys?: Partial<Record<KeyPurpose, 'sign' | 'verify'>>;
  /** Dead-letter queues this function puts failed messages into ('send') or lists and redrives from ('manage'). */
  deadLetters?: Partial<Record<QueueId, 'send' | 'manage'>>;
  /** Tables whose change stream this function reads (new and changed items), as a stream event source. */
  streams?: TableId[];
  /** Runs on a schedule, every this many minutes. */
  everyMinutes?: number;
  timeoutSeconds: number;
  memoryMb: number;
  operations: Operation[];
  /** Ids of its operations that are expensive (EXPENSIVE_THROTTLE on their routes). */
  expensive?: string[];
}

export const FUNCTIONS: FunctionSpec[] = [
  {
    id: 'platform',
    entry: 'functions/platform/handler.ts',
    description: 'Health and the OpenAPI document',
    // The health probe. The registry holds the public unit directory, settings and staff bindings: no personal records.
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
    tables: { registry: 'write', ...everyLevel('write') },
    sends: ['jobs'],
    consumes: [],
    // Stores an import's checked plan for the worker.
    bucket: { access: 'write', prefixes: ['imports/'] },
    keys: { audit: 'sign' },
    timeoutSeconds: 29,
    memoryMb: 1024,
    operations: OPERATIONS_BY_FUNCTION.units,
    // Each starts a background import run over up to the whole country's divisions.
    expensive: ['startUnitImport', 'resumeJob'],
  },
  {
    id: 'importWorker',
    entry: 'functions/units/import-worker.ts',
    description: 'Runs division-tree imports in resumable chunks',
    tables: { registry: 'write', ...everyLevel('write') },
    sends: ['jobs'],
    consumes: ['jobs'],
    bucket: { access: 'read', prefixes: ['imports/'] },
    keys: { audit: 'sign' },
    // Below the jobs queue's visibility timeout, as Lambda requires; long imports continue in a new invocation.
    timeoutSeconds: 150,
    memoryMb: 1024,
    operations: [],
  },
  {
    id: 'audit',
    entry: 'functions/audit/handler.ts',
    description: "Auditors' read access to the per-unit audit chains, and their verification",
    // The level tables hold the chains (and staff records, which auditors may read); citizens' records are not there.
    tables: { registry: 'read', ...everyLevel('read') },
    sends: [],
    consumes: [],
    // Verification runs here, the one function allowed to check audit MACs.
    keys: { audit: 'verify' },
    // A verification reads a whole chain (about 500 entries per query) and hashes every entry: as long as the API allows.
    timeoutSeconds: 29,
    memoryMb: 1024,
    operations: OPERATIONS_BY_FUNCTION.audit,
  },
  {
    id: 'people',
    entry: 'functions/people/handler.ts',
    description: 'Departments, staff accounts, and citizen and business accounts with their identity numbers and disputes',
    // Staff records and audit chains in every level table; units and the staff index in the registry; citizens' and
    // businesses' accounts, number indexes and disputes in the people table, which no other function may touch.
    tables: { registry: 'write', people: 'write', ...everyLevel('write') },
    sends: [],
    consumes: [],
    // The identity key keeps the number index; only this function may use it.
    keys: { audit: 'sign', identity: 'sign' },
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.people,
  },
  {
    id: 'settings',
    entry: 'functions/settings/handler.ts',
    description: 'Per-unit settings inherited down the tree, and due dates on the effective working-day calendar',
    // Settings sit in the registry beside the units; the level tables hold each unit's audit chain.
    tables: { registry: 'write', ...everyLevel('write') },
    sends: [],
    consumes: [],
    keys: { audit: 'sign' },
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.settings,
  },
  {
    id: 'tiers',
    entry: 'functions/tiers/handler.ts',
    description: 'Work between tiers: assignments down, escalation and supervision of cases, notices published once',
    // Cases, notices and outboxes in every level table; units and settings read from the registry; attachments in the bucket.
    tables: { registry: 'read', ...everyLevel('write') },
    sends: [],
    consumes: [],
    // Notices' attachments, under notices/<sender prefix>/.
    bucket: { access: 'write', prefixes: ['notices/'] },
    keys: { audit: 'sign' },
    timeoutSeconds: 29,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.tiers,
  },
  {
    id: 'stats',
    entry: 'functions/stats/handler.ts',
    description: "Units' work figures by day: their own, their subtree's and each child's",
    tables: { registry: 'read', ...everyLevel('read') },
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
    // The receiver's level for the effect and its record, the sender's for the acknowledgement (which deletes the
    // outbox item): any level.
    tables: { registry: 'read', ...everyLevel('write+delete') },
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
    tables: { registry: 'read', ...everyLevel('write') },
    sends: [...INBOXES],
    consumes: [],
    everyMinutes: 1,
    timeoutSeconds: 50,
    memoryMb: 256,
    operations: [],
  },
  {
    id: 'tiersSweep',
    entry: 'functions/tiers/sweep.ts',
    description: 'Flags overdue cases and escalates them where the unit settings say so',
    // Cases and their outgoing messages in every level table; units, the children index and settings in the registry.
    tables: { registry: 'read', ...everyLevel('write') },
    sends: [],
    consumes: [],
    // A quarter of an hour is fine-grained enough for deadlines counted in working days.
    everyMinutes: 15,
    // One query per unit of the tree (about 27,000 for a province), a few units at a time.
    timeoutSeconds: 600,
    memoryMb: 512,
    operations: [],
  },
  {
    id: 'queues',
    entry: 'functions/queues/handler.ts',
    description: 'Dead-lettered tier messages: list with their reasons, redrive',
    tables: { registry: 'read', ...everyLevel('read') },
    sends: [...INBOXES],
    consumes: [],
    deadLetters: Object.fromEntries(INBOXES.map((q) => [q, 'manage'])),
    timeoutSeconds: 29,
    memoryMb: 256,
    operations: OPERATIONS_BY_FUNCTION.queues,
  },
  {
    id: 'services',
    entry: 'functions/services/handler.ts',
    description: 'One-stop services: the catalogue of items and adoptions, applications and their progress, ratings, bundles',
    // Items, adoptions, applications (as cases), their indexes, outboxes and audit chains in every level table; units
    // and settings (calendars, deadlines) read from the registry.
    tables: { registry: 'read', ...everyLevel('write+delete') },
    sends: [],
    consumes: [],
    // Attachments are checked (HEAD) in their owner's upload folder before an application holds them.
    bucket: { access: 'read', prefixes: ['uploads/'] },
    keys: { audit: 'sign' },
    timeoutSeconds: 29,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.services,
  },
  {
    id: 'tickets',
    entry: 'functions/tickets/handler.ts',
    description: 'Tickets (12345 hotline loop) and the leader mailbox: duplicates and merges, published letters, Open311 GeoReport v2',
    // Tickets, their cases, indexes and outboxes in every level table (a ticket is worked on above and below the unit
    // it was filed to); units, settings and Open311 clients' keys read from the registry.
    // Deletes: a ticket leaves the duplicate index when closed or merged.
    tables: { registry: 'read', ...everyLevel('write+delete') },
    sends: [],
    consumes: [],
    // Checks the photos a ticket claims, uploaded beforehand under the filer's folder.
    bucket: { access: 'read', prefixes: ['uploads/'] },
    keys: { audit: 'sign' },
    timeoutSeconds: 29,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.tickets,
  },
  {
    id: 'uploads',
    entry: 'functions/uploads/handler.ts',
    description: "Presigned form uploads of people's files, each under its owner's folder at a unit",
    // The unit must exist; nothing else is read or written.
    tables: { registry: 'read' },
    sends: [],
    consumes: [],
    // A presigned POST is only as good as its signer's own right to PutObject at the key.
    bucket: { access: 'write', prefixes: ['uploads/'] },
    timeoutSeconds: 10,
    memoryMb: 256,
    operations: OPERATIONS_BY_FUNCTION.uploads,
  },
  {
    id: 'notify',
    entry: 'functions/notify/handler.ts',
    description: "Each account's in-app messages: list them, mark them read",
    // Messages sit in the province table (written by the tier consumer, as notifications' effect); the scope's
    // checks read units in the registry and staff records in every level table.
    tables: { registry: 'read', province: 'write', city: 'read', county: 'read', township: 'read', village: 'read' },
    sends: [],
    consumes: [],
    timeoutSeconds: 10,
    memoryMb: 256,
    operations: OPERATIONS_BY_FUNCTION.notify,
  },
  {
    id: 'disclosure',
    entry: 'functions/disclosure/handler.ts',
    description: 'Government information disclosure: documents published once and read by reference, search, feeds, freshness, requests',
    // Documents, listings, cases and audit chains in every level table (withdrawal deletes listings and postings,
    // never the record); the province table also holds each province's fingerprints and search postings; units and
    // settings in the registry.
    tables: { registry: 'read', ...everyLevel('write+delete') },
    sends: [],
    consumes: [],
    // Attachments are the publisher's uploads, checked (HEAD) where they are before a document holds them.
    bucket: { access: 'read', prefixes: ['uploads/'] },
    keys: { audit: 'sign' },
    timeoutSeconds: 29,
    memoryMb: 1024,
    operations: OPERATIONS_BY_FUNCTION.disclosure,
    // A search reads every posting of its words in the subtree.
    expensive: ['searchDisclosure'],
  },
  {
    id: 'disclosureReminders',
    entry: 'functions/disclosure/reminders.ts',
    description: 'Daily reminders of disclosure columns and drafts near or past their deadlines',
    // Each unit's freshness partitions and settings; the reminder markers and notification outbox items are written
    // in the unit's own table.
    tables: { registry: 'read', ...everyLevel('write') },
    sends: [],
    consumes: [],
    // Once a day: deadlines and cadences are counted in working days.
    everyMinutes: 1440,
    // Three small reads per unit of the tree (about 27,000 for a province), a few units at a time.
    timeoutSeconds: 900,
    memoryMb: 512,
    operations: [],
  },
  {
    id: 'web',
    entry: 'functions/web/handler.ts',
    description: 'The web pages: server-rendered public pages, sign-in (OIDC code flow with PKCE), sessions, and the 404 for unknown routes',
    // Units and settings to show; sessions are registry items (written at sign-in, deleted at sign-out). The level
    // tables hold the service catalogue, and the cases a signed-in person's applications and tickets make (with their audit
    // chain and outbox), as the services function writes them.
    tables: { registry: 'write+delete', ...everyLevel('write') },
    sends: [],
    consumes: [],
    // Presigned POSTs of a signed-in person's files (a POST is only as good as its signer's PutObject at the key),
    // checked (HEAD) before an application or a 补正 holds them; and download links for published documents' files
    // and a citizen's own application files (a presigned GET carries only the rights of the role that signed it).
    bucket: { access: 'write', prefixes: ['uploads/'] },
    keys: { audit: 'sign' },
    timeoutSeconds: 10,
    memoryMb: 512,
    operations: OPERATIONS_BY_FUNCTION.web,
  },
  {
    id: 'workbench',
    entry: 'functions/web/workbench/handler.ts',
    description: "The staff and admin workbench's pages: each action goes to the API with the signed-in person's token",
    // Reads the session only: everything else goes through the API, with its own functions' permissions.
    tables: { registry: 'read' },
    sends: [],
    consumes: [],
    timeoutSeconds: 29,
    // Charts are drawn here (ECharts to SVG).
    memoryMb: 1024,
    operations: OPERATIONS_BY_FUNCTION.workbench,
  },
];

/**
 * The function that answers requests matching no route (API Gateway's `$default`): the web pages', so that a
 * mistyped address in a browser gets the portal's 404 page; under `/v1` it answers the API's JSON error instead.
 */
export const DEFAULT_ROUTE_FUNCTION = 'web';

export interface RouteSpec {
  key: string;
  method: Operation['method'];
  path: string;
  function: string;
  auth: Operation['auth'];
  /** Its own API Gateway throttling, when tighter than the stage's DEFAULT_THROTTLE. */
  throttle?: Throttle;
}

export const routesOf = (functions: FunctionSpec[]): RouteSpec[] =>
  functions.flatMap((f) => {
    const unknown = (f.expensive ?? []).filter((id) => !f.operations.some((op) => op.id === id));
    if (unknown.length > 0) throw new Error(`${f.id}: expensive names no operation of it: ${unknown.join(', ')}`);
    return f.operations.map((op) => ({
      key: routeKey(op),
      method: op.method,
      path: op.path,
      function: f.id,
      auth: op.auth,
      ...(f.expensive?.includes(op.id) ? { throttle: EXPENSIVE_THROTTLE } : {}),
    }));
  });

export const ROUTES: RouteSpec[] = routesOf(FUNCTIONS);

export const functionById = (id: string): FunctionSpec => {
  const f = FUNCTIONS.find((x) => x.id === id);
  if (!f) throw new Error(`no function ${id}`);
  return f;
};
