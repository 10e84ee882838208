import { createHash } from 'node:crypto';
import { ApiError } from './errors';
import type { Principal } from './roles';
import { ConditionFailed, type Item, type Store, type Write } from './store/store';
import type { TableId } from './resources';
import { levelOf, prefixOf } from './codes';

/**
 * The append-only audit log: one hash chain per unit, kept in the unit's level table. Each entry's hash covers
 * the previous entry's hash, so an edited or removed entry breaks every link after it. An entry is written in
 * the same transaction as the change it records: there is no change without its entry, and no entry without
 * its change.
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

const GENESIS = '0'.repeat(64);
const partition = (unit: string) => `${prefixOf(unit)}#audit`;
const entrySk = (seq: number) => `e#${String(seq).padStart(12, '0')}`;
const headKey = (unit: string) => ({ pk: partition(unit), sk: 'head' });
export const auditTable = (unit: string): TableId => levelOf(unit);

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

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(e)).digest('hex');
}

/**
 * Applies `change` (writes carrying their own expectations) together with its audit entry, retrying only when
 * another entry was appended to the same chain meanwhile. A failed expectation of the change itself is a 409.
 */
export async function commitAudited(store: Store, now: Date, unit: string, record: AuditRecord, change: Write[]): Promise<AuditEntry> {
  const table = auditTable(unit);
  for (let attempt = 0; attempt < 10; attempt++) {
    // Writers racing for the same chain back off at random so that one of them gets through each round.
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** Math.min(attempt, 6)));
    const head = await store.get(table, headKey(unit));
    const seq = ((head?.seq as number | undefined) ?? 0) + 1;
    const body: Omit<AuditEntry, 'hash'> = {
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
    const entry: AuditEntry = { ...body, hash: entryHash(body) };
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
      await store.transact(writes);
      return entry;
    } catch (e) {
      if (e instanceof ConditionFailed && e.index < change.length) throw new ApiError('conflict');
      if (!(e instanceof ConditionFailed)) throw e;
    }
  }
  throw new ApiError('conflict');
}

const toEntry = ({ pk: _pk, sk: _sk, ...rest }: Item): AuditEntry => rest as unknown as AuditEntry;

export interface ChainHead {
  seq: number;
  hash: string;
}

/** A page of a unit's audit log, oldest first, with the chain's head (what the last entry must hash to). */
export async function readAudit(store: Store, unit: string, limit: number, cursor?: string) {
  const [page, head] = await Promise.all([
    store.query({ table: auditTable(unit), pk: partition(unit), skBeginsWith: 'e#', limit, cursor }),
    store.get(auditTable(unit), headKey(unit)),
  ]);
  const chainHead: ChainHead = { seq: (head?.seq as number | undefined) ?? 0, hash: (head?.hash as string | undefined) ?? GENESIS };
  return { items: page.items.map(toEntry), cursor: page.cursor, head: chainHead };
}

export type ChainReport =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBroken: { seq: number; problem: 'altered' | 'missing' } };

/**
 * Recomputes a chain from its first entry and names the first entry that was altered or removed. Entries come
 * in pages (from the store, or from the API for an auditor's own check), oldest first.
 */
export async function verifyEntries(pages: AsyncIterable<{ items: AuditEntry[]; head: ChainHead }>): Promise<ChainReport> {
  let prevHash = GENESIS;
  let expected = 1;
  let head: ChainHead = { seq: 0, hash: GENESIS };
  for await (const page of pages) {
    head = page.head;
    for (const e of page.items) {
      if (e.seq !== expected) return { ok: false, entries: expected - 1, firstBroken: { seq: expected, problem: 'missing' } };
      const { hash, ...body } = e;
      if (e.prevHash !== prevHash || entryHash(body) !== hash) {
        return { ok: false, entries: expected - 1, firstBroken: { seq: e.seq, problem: 'altered' } };
      }
      prevHash = hash;
      expected++;
    }
  }
  // Entries removed from the end leave the head pointing past the last one still there.
  if (head.seq >= expected) return { ok: false, entries: expected - 1, firstBroken: { seq: expected, problem: 'missing' } };
  if (head.seq !== expected - 1 || head.hash !== prevHash) {
    return { ok: false, entries: expected - 1, firstBroken: { seq: head.seq, problem: 'altered' } };
  }
  return { ok: true, entries: expected - 1 };
}

/** Verifies a unit's chain straight from the store. */
export function verifyChain(store: Store, unit: string): Promise<ChainReport> {
  return verifyEntries(
    (async function* () {
      let cursor: string | undefined;
      do {
        const page = await readAudit(store, unit, 500, cursor);
        yield page;
        cursor = page.cursor;
      } while (cursor);
    })(),
  );
}
