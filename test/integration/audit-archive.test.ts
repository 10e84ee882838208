import { describe, expect, it } from 'vitest';
import { auditTable, commitAudited, verifyChain } from '../../shared/audit';
import { createS3Archive } from '../../shared/aws/s3-archive';
import type { Principal } from '../../shared/roles';
import { realDeps } from '../support/real-deps';
import { useSharedEmulators } from '../support/shared-emulators';

useSharedEmulators();

const unit = '540102000000';
const actor: Principal = { sub: 'clerk-54', role: 'unit-admin', unit };

describe('audit log on DynamoDB and the S3 archive', () => {
  it('checkpoints land in the archive, and a chain cut below the last one is caught', async () => {
    let t = Date.parse('2026-03-02T01:00:00Z');
    // An hour and a minute between appends: every one is checkpointed.
    const deps = await realDeps(() => new Date((t += 61 * 60 * 1000)));
    for (let i = 1; i <= 4; i++) await commitAudited(deps, deps.now(), unit, { actor, action: 'test.change', subject: `s${i}` }, []);
    const keys = await deps.archive.list(`audit/${unit}/`);
    expect(keys.map((k) => k.slice(`audit/${unit}/`.length, `audit/${unit}/`.length + 12))).toEqual(['000000000001', '000000000002', '000000000003', '000000000004']);
    expect(JSON.parse((await deps.archive.get(keys[3]!))!)).toMatchObject({ unit, seq: 4, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verifyChain(deps, unit)).toEqual({ ok: true, entries: 4 });

    const table = auditTable(unit);
    const pk = '540102#audit';
    const e2 = (await deps.store.get(table, { pk, sk: 'e#000000000002' }))!;
    const head = (await deps.store.get(table, { pk, sk: 'head' }))!;
    for (const sk of ['e#000000000003', 'e#000000000004']) await deps.store.write({ op: 'delete', table, key: { pk, sk } });
    await deps.store.write({ op: 'put', table, item: { ...head, seq: 2, v: 2, hash: e2.hash } });
    expect(await verifyChain(deps, unit)).toEqual({ ok: false, entries: 2, firstBroken: { seq: 3, problem: 'truncated' } });
  });

  it('the archive keeps its objects apart from the files, and lists past one page', async () => {
    const archive = await createS3Archive();
    const files = (await realDeps()).files;
    // In small batches: the emulator fails under a thousand writes at once.
    for (let i = 0; i < 1005; i += 25) {
      await Promise.all(Array.from({ length: Math.min(25, 1005 - i) }, (_, j) => archive.put(`list-test/${String(i + j).padStart(4, '0')}`, '{}')));
    }
    const listed = await archive.list('list-test/');
    expect(listed).toHaveLength(1005);
    expect(listed[0]).toBe('list-test/0000');
    expect(await files.get('list-test/0000')).toBeUndefined();
    expect(await files.get('archive/list-test/0000')).toBe('{}');
  }, 60_000);
});
