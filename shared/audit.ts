import { createHash } from 'node:crypto';
import type { Deps } from './deps';
import { ApiError } from './errors';
import type { MacKey } from './keys';
import { logger } from './log';
import type { Principal } from './roles';
import { ConditionFailed, type Item, type Store, type Write } from './store/store';
import type { TableId } from './resources';
import { levelOf, prefixOf } from './codes';

/**
 * The append-only audit log: one hash chain per unit, kept in the unit's level table. Each entry's hash covers
 * the previous entry's hash, so an edited or removed entry breaks every link after it. An entry is written in
 * the same transaction as the change it records: there is no change without its entry, and no entry without
 * its change.
 *
 * A hash chain alone protects nothing from whoever can write the table: they can recompute every hash. So each
 * entry also carries a MAC from the audit key (a KMS HMAC key in AWS, which no table writer holds), and the chain's
 * state is checkpointed regularly to write-once storage (S3 Object Lock), which catches what MACs cannot: a chain
 * cut short, or deleted whole, with its head rewritten to match.
 */

export interface AuditEntry {
  unit: string;
  seq: number;
  at: string;
  actor: { sub: string; role: string; unit: string };
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
  /** MAC of the hash by the audit key: only the platform's own functions can make one. */
  mac: string;
}

/** Who made a change: a caller of the API (a Principal), or an operator's step outside it (role 'operator'). */
export type Actor = Pick<Principal, 'sub' | 'unit'> & { role: Principal['role'] | 'operator' };

export interface AuditRecord {
  actor: Actor;
  action: string;
  subject: string;
  before?: unknown;
  after?: unknown;
}

/** A chain's state at one entry, kept in the archive: the chain may not later be shorter, or differ up to here. */
export interface Checkpoint {
  unit: string;
  seq: number;
  hash: string;
  at: string;
  mac: string;
}

export type AuditDeps = Pick<Deps, 'store' | 'keys' | 'archive'>;

/**
 * When a checkpoint is written: at a chain's first entry (so that deleting a chain whole is caught), then after
 * every CHECKPOINT_EVERY entries, and at the first append more than CHECKPOINT_MAX_AGE_MS after the last
 * checkpoint. Whatever happens after the last checkpoint is protected by MACs and links only, so these bound what a
 * table writer could cut from the end unnoticed: at most 100 entries, or an hour of a quiet unit's log. A checkpoint
 * costs one S3 PUT and one KMS call, about 1% on top of the appends.
 */
export const CHECKPOINT_EVERY = 100;
export const CHECKPOINT_MAX_AGE_MS = 60 * 60 * 1000;

const GENESIS = '0'.repeat(64);
const partition = (unit: string) => `${prefixOf(unit)}#audit`;
const entrySk = (seq: number) => `e#${String(seq).padStart(12, '0')}`;
const headKey = (unit: string) => ({ pk: partition(unit), sk: 'head' });
/**
 * Which checkpoint was last written: tells appends when the next is due, so that appends never read the archive. A
 * table writer could keep rewriting it to hold checkpoints back, but not undo one written, nor forge a MAC.
 */
const checkpointMarkKey = (unit: string) => ({ pk: partition(unit), sk: 'checkpoint' });
export const auditTable = (unit: string): TableId => levelOf(unit);

/** Archive keys: `audit/<unit>/<seq>-<hash>.json`, in seq order; the hash in the key keeps two chains' apart. */
const checkpointPrefix = (unit: string) => `audit/${unit}/`;
const checkpointKey = (c: { unit: string; seq: number; hash: string }) =>
  `${checkpointPrefix(c.unit)}${String(c.seq).padStart(12, '0')}-${c.hash}.json`;
const CHECKPOINT_KEY = /\/(\d{12})-([0-9a-f]{64})\.json$/;

/** JSON with keys sorted at every depth, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function entryHash(e: Omit<AuditEntry, 'hash' | 'mac'>): string {
  return createHash('sha256').update(canonicalJson(e)).digest('hex');
}

// What the audit key signs. The hash covers the whole entry (unit and seq included); the prefixes keep an entry's
// MAC from passing for a checkpoint's and the other way round.
const entryMacData = (hash: string) => `govtiers/audit-entry/${hash}`;
const checkpointMacData = (c: Omit<Checkpoint, 'mac'>) =>
  `govtiers/audit-checkpoint/${canonicalJson({ unit: c.unit, seq: c.seq, hash: c.hash, at: c.at })}`;

const checkpointDue = (mark: Item | undefined, seq: number, now: Date) => {
  if (!mark) return true;
  const last = Date.parse(String(mark.at));
  const markSeq = Number(mark.seq);
  // A mark from the future or past the new entry is not the platform's: never let it hold checkpoints back.
  if (!(markSeq < seq) || !(last <= now.getTime())) return true;
  return seq - markSeq >= CHECKPOINT_EVERY || now.getTime() - last >= CHECKPOINT_MAX_AGE_MS;
};

/**
 * Writes a checkpoint of `unit`'s chain at `seq`. The audited change is committed by then, so a failure here is
 * logged, not raised: the mark stays behind, and the next append writes the checkpoint that is still due.
 */
async function checkpoint(deps: AuditDeps, unit: string, seq: number, hash: string, now: Date): Promise<void> {
  try {
    const body = { unit, seq, hash, at: now.toISOString() };
    const cp: Checkpoint = { ...body, mac: await deps.keys.audit.mac(checkpointMacData(body)) };
    await deps.archive.put(checkpointKey(cp), JSON.stringify(cp));
    await deps.store.write({ op: 'put', table: auditTable(unit), item: { ...checkpointMarkKey(unit), seq, at: cp.at } });
  } catch (e) {
    logger.warn('audit checkpoint not written; the next append retries', { unit, seq, error: (e as Error).message });
  }
}

/**
 * Applies `change` (writes carrying their own expectations) together with its audit entry, retrying only when
 * another entry was appended to the same chain meanwhile. A failed expectation of the change itself is a 409.
 */
export async function commitAudited(deps: AuditDeps, now: Date, unit: string, record: AuditRecord, change: Write[]): Promise<AuditEntry> {
  const table = auditTable(unit);
  for (let attempt = 0; attempt < 10; attempt++) {
    // Writers racing for the same chain back off at random so that one of them gets through each round.
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** Math.min(attempt, 6)));
    const found = await deps.store.getMany(table, [headKey(unit), checkpointMarkKey(unit)]);
    const head = found.find((i) => i.sk === 'head');
    const mark = found.find((i) => i.sk === 'checkpoint');
    const seq = ((head?.seq as number | undefined) ?? 0) + 1;
    const body: Omit<AuditEntry, 'hash' | 'mac'> = {
      unit,
      seq,
      at: now.toISOString(),
      actor: { sub: record.actor.sub, role: record.actor.role, unit: record.actor.unit },
      action: record.action,
      subject: record.subject,
      before: record.before ?? null,
      after: record.after ?? null,
      prevHash: (head?.hash as string | undefined) ?? GENESIS,
    };
    const hash = entryHash(body);
    const entry: AuditEntry = { ...body, hash, mac: await deps.keys.audit.mac(entryMacData(hash)) };
    const writes: Write[] = [
      ...change,
      { op: 'put', table, item: { pk: partition(unit), sk: entrySk(seq), ...entry }, expect: { absent: true } },
      {
        op: 'put',
        table,
        item: { ...headKey(unit), seq, hash: entry.hash, v: seq },
        expect: head ? { version: head.v as number } : { absent: true },
      },
    ];
    try {
      await deps.store.transact(writes);
    } catch (e) {
      if (e instanceof ConditionFailed && e.index < change.length) throw new ApiError('conflict');
      if (!(e instanceof ConditionFailed)) throw e;
      continue;
    }
    if (checkpointDue(mark, seq, now)) await checkpoint(deps, unit, seq, hash, now);
    return entry;
  }
  throw new ApiError('conflict');
}

const toEntry = ({ pk: _pk, sk: _sk, ...rest }: Item): AuditEntry => rest as unknown as AuditEntry;

export interface ChainHead {
  seq: number;
  hash: string;
}

const readHead = async (store: Store, unit: string): Promise<ChainHead> => {
  const head = await store.get(auditTable(unit), headKey(unit));
  return { seq: (head?.seq as number | undefined) ?? 0, hash: (head?.hash as string | undefined) ?? GENESIS };
};

/** A page of a unit's audit log, oldest first, with the chain's head (what the last entry must hash to). */
export async function readAudit(store: Store, unit: string, limit: number, cursor?: string) {
  const [page, head] = await Promise.all([
    store.query({ table: auditTable(unit), pk: partition(unit), skBeginsWith: 'e#', limit, cursor }),
    readHead(store, unit),
  ]);
  return { items: page.items.map(toEntry), cursor: page.cursor, head };
}

/**
 * - altered: the entry differs from what was written (content, hash or MAC), or the chain differs from a checkpoint
 *   from this entry on;
 * - missing: the entry was removed (a gap, or entries gone from the end while the head still counts them);
 * - reordered: an entry written elsewhere in the chain stands at this place;
 * - truncated: the chain ends before its last checkpoint (cut short with its head rewritten, or deleted whole);
 * - head: the head item does not match the entries (`seq` is the entry it claims is the last).
 */
export type ChainProblem = 'altered' | 'missing' | 'reordered' | 'truncated' | 'head';

export type ChainReport =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBroken: { seq: number; problem: ChainProblem } };

/** An entry as stored, with the place it stands at (from its sort key), which a moved entry does not match. */
export interface PlacedEntry {
  place: number;
  entry: AuditEntry;
}

/** A checkpoint as listed (seq and hash from its key); `load` reads the object itself, whose MAC decides. */
export interface CheckpointRef {
  seq: number;
  hash: string;
  load(): Promise<Checkpoint | undefined>;
}

/**
 * What a verification reads, in this order, so that appends meanwhile never look like tampering: the checkpoints
 * first (each was written after its entry), then the head (the target: entries after it are newer than the
 * verification), then the entries up to the target, and last `tail`: the last entry's place and, after it, the head
 * again. A head never moves back, so a head behind an entry read before it was put there by hand.
 */
export interface ChainView {
  unit: string;
  checkpoints: CheckpointRef[];
  head: ChainHead;
  entries: AsyncIterable<PlacedEntry[]>;
  tail(): Promise<{ lastPlace: number; head: ChainHead }>;
}

/**
 * Verifies a chain: links and hashes of every entry up to the head, MACs, checkpoints, and the head itself, and
 * names the first entry that was altered, removed or reordered. Verifying a MAC is a KMS call, so not every entry's
 * is checked: an intact run of links makes the MAC of its last entry vouch for all before it (each hash covers the
 * previous), and where that MAC fails, a binary search over the run finds the first entry whose MAC fails.
 */
export async function verifyEntries(key: MacKey, view: ChainView): Promise<ChainReport> {
  const target = view.head;
  const hashes: string[] = [];
  const macs: string[] = [];
  let prevHash = GENESIS;
  let broken: { seq: number; problem: ChainProblem } | undefined;
  scan: for await (const page of view.entries) {
    for (const { place, entry } of page) {
      const expected = hashes.length + 1;
      if (expected > target.seq) break scan;
      if (place !== expected) {
        broken = { seq: expected, problem: 'missing' };
        break scan;
      }
      if (entry.seq !== place || entry.unit !== view.unit) {
        broken = { seq: place, problem: 'reordered' };
        break scan;
      }
      const { hash, mac, ...body } = entry;
      if (entry.prevHash !== prevHash || entryHash(body) !== hash || typeof mac !== 'string') {
        broken = { seq: place, problem: 'altered' };
        break scan;
      }
      hashes.push(hash);
      macs.push(mac);
      prevHash = hash;
    }
  }
  const linked = hashes.length;
  const macOk = (seq: number) => key.verify(entryMacData(hashes[seq - 1]!), macs[seq - 1]!);
  if (linked > 0 && !(await macOk(linked))) {
    let [good, bad] = [0, linked];
    while (bad - good > 1) {
      const mid = (good + bad) >>> 1;
      if (await macOk(mid)) good = mid;
      else bad = mid;
    }
    return { ok: false, entries: bad - 1, firstBroken: { seq: bad, problem: 'altered' } };
  }
  if (broken) return { ok: false, entries: linked, firstBroken: broken };

  if (linked < target.seq) return { ok: false, entries: linked, firstBroken: { seq: linked + 1, problem: 'missing' } };
  if (linked > 0 && hashes[linked - 1] !== target.hash) return { ok: false, entries: linked, firstBroken: { seq: target.seq, problem: 'head' } };
  const tail = await view.tail();
  if (tail.head.seq < tail.lastPlace) return { ok: false, entries: linked, firstBroken: { seq: tail.head.seq, problem: 'head' } };

  // The entries are the platform's up to the head; now the checkpoints say whether the chain was that long, and the same.
  const valid = async (ref: CheckpointRef) => {
    const cp = await ref.load();
    return cp?.unit === view.unit && cp.seq === ref.seq && cp.hash === ref.hash && (await key.verify(checkpointMacData(cp), cp.mac));
  };
  const agrees = (ref: CheckpointRef) => ref.seq <= linked && hashes[ref.seq - 1] === ref.hash;
  const refs = [...view.checkpoints].sort((a, b) => a.seq - b.seq);
  for (const ref of refs.filter((r) => !agrees(r))) {
    if (!(await valid(ref))) continue;
    if (ref.seq > linked) return { ok: false, entries: linked, firstBroken: { seq: linked + 1, problem: 'truncated' } };
    // The chain once held other entries here (deleted and grown again): they differ from after the last agreement on.
    const agreed = Math.max(0, ...refs.filter((r) => r.seq < ref.seq && agrees(r)).map((r) => r.seq));
    return { ok: false, entries: agreed, firstBroken: { seq: agreed + 1, problem: 'altered' } };
  }
  return { ok: true, entries: linked };
}

const placeOf = (sk: string) => Number(sk.slice(2));

/** The checkpoints of a unit's chain in the archive. */
export async function listCheckpoints(deps: Pick<AuditDeps, 'archive'>, unit: string): Promise<CheckpointRef[]> {
  return (await deps.archive.list(checkpointPrefix(unit))).flatMap((k) => {
    const m = CHECKPOINT_KEY.exec(k);
    if (!m) return [];
    return [
      {
        seq: Number(m[1]),
        hash: m[2]!,
        load: async () => {
          const text = await deps.archive.get(k);
          try {
            return text === undefined ? undefined : (JSON.parse(text) as Checkpoint);
          } catch {
            return undefined;
          }
        },
      },
    ];
  });
}

/** Verifies a unit's chain straight from the store and the archive; this needs the audit key's VerifyMac. */
export async function verifyChain(deps: AuditDeps, unit: string, pageSize = 500): Promise<ChainReport> {
  const { store } = deps;
  const table = auditTable(unit);
  const checkpoints = await listCheckpoints(deps, unit);
  const head = await readHead(store, unit);
  return verifyEntries(deps.keys.audit, {
    unit,
    checkpoints,
    head,
    entries: (async function* () {
      if (head.seq === 0) return;
      let cursor: string | undefined;
      do {
        const page = await store.query({ table, pk: partition(unit), skBetween: [entrySk(1), entrySk(head.seq)], limit: pageSize, cursor });
        yield page.items.map((i) => ({ place: placeOf(i.sk), entry: toEntry(i) }));
        cursor = page.cursor;
      } while (cursor);
    })(),
    async tail() {
      const last = await store.query({ table, pk: partition(unit), skBeginsWith: 'e#', limit: 1, descending: true });
      return { lastPlace: last.items[0] ? placeOf(last.items[0].sk) : 0, head: await readHead(store, unit) };
    },
  });
}
