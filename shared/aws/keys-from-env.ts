import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEY_PURPOSES, hmacKey, type KeyPurpose, type Keys, type MacKey } from '../keys';

/** `MAC_KEY_DIR`: the folder holding one secret per purpose (the local runtime points it under its data folder). */
export const MAC_KEY_DIR_ENV = 'MAC_KEY_DIR';

/**
 * The secret for one purpose, made on first use and kept owner-only, so MACs stay verifiable across restarts. The
 * file is written under a temporary name and renamed, so two processes starting at once agree on one key.
 */
async function localSecret(dir: string, purpose: KeyPurpose): Promise<Buffer> {
  const file = join(dir, `mac-${purpose}.key`);
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
}

/** A key loaded on its first use, so that a function which never signs anything needs no key at all. */
function lazyKey(load: () => Promise<MacKey>): MacKey {
  let key: Promise<MacKey> | undefined;
  const get = () => (key ??= load().catch((e: unknown) => ((key = undefined), Promise.reject(e))));
  return { mac: async (data) => (await get()).mac(data), verify: async (data, mac) => (await get()).verify(data, mac) };
}

function localKey(purpose: KeyPurpose): MacKey {
  return lazyKey(async () => {
    const dir = process.env[MAC_KEY_DIR_ENV];
    if (!dir) throw new Error(`${MAC_KEY_DIR_ENV} is not set: no ${purpose} MAC key`);
    return hmacKey(await localSecret(dir, purpose));
  });
}

/** The MAC keys this process may use, as the environment names them. */
export function keysFromEnv(): Keys {
  return Object.fromEntries(KEY_PURPOSES.map((p) => [p, localKey(p)])) as Keys;
}
