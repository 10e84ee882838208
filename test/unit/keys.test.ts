import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAC_KEY_DIR_ENV, keysFromEnv } from '../../shared/aws/keys-from-env';

describe('local MAC keys', () => {
  let dir: string;
  const before = process.env[MAC_KEY_DIR_ENV];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'govtiers-keys-test-'));
    process.env[MAC_KEY_DIR_ENV] = dir;
  });
  afterAll(async () => {
    if (before === undefined) delete process.env[MAC_KEY_DIR_ENV];
    else process.env[MAC_KEY_DIR_ENV] = before;
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps one owner-only secret per purpose, so MACs verify across restarts and keys differ by purpose', async () => {
    const first = keysFromEnv();
    const [a, b] = await Promise.all([first.audit.mac('entry'), first.audit.mac('entry')]);
    expect(a).toBe(b);
    expect(await keysFromEnv().audit.verify('entry', a)).toBe(true);
    expect(await first.identity.mac('entry')).not.toBe(a);
    expect(await first.audit.verify('entry!', a)).toBe(false);
    expect(await first.audit.verify('entry', 'ab')).toBe(false);
    expect((await stat(join(dir, 'mac-audit.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, 'mac-audit.key'), 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails loudly, not open, when no key folder is named', async () => {
    delete process.env[MAC_KEY_DIR_ENV];
    await expect(keysFromEnv().audit.mac('x')).rejects.toThrow(MAC_KEY_DIR_ENV);
    process.env[MAC_KEY_DIR_ENV] = dir;
  });
});
