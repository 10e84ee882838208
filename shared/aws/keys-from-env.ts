import { randomBytes } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEY_PURPOSES, hmacKey, type KeyPurpose, type Keys, type MacKey } from '../keys';

type Kms = typeof import('@aws-sdk/client-kms');

/** `KMS_KEY_AUDIT`, `KMS_KEY_IDENTITY`: the id or ARN of the KMS HMAC key for that purpose (set by the stack). */
export const kmsKeyEnv = (purpose: KeyPurpose): string => `KMS_KEY_${purpose.toUpperCase()}`;

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

function localKey(purpose: KeyPurpose, env: NodeJS.ProcessEnv): MacKey {
  return lazyKey(async () => {
    const dir = env[MAC_KEY_DIR_ENV];
    if (!dir) throw new Error(`${MAC_KEY_DIR_ENV} is not set: no ${purpose} MAC key`);
    return hmacKey(await localSecret(dir, purpose));
  });
}

/**
 * A KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC): the secret never leaves KMS, and IAM decides who
 * may GenerateMac and who may only VerifyMac. The SDK is imported on first use (see createDynamoStore).
 */
export function kmsKey(keyId: string, client?: KMSClient): MacKey {
  let ready: Promise<{ sdk: Kms; kms: KMSClient }> | undefined;
  const get = () => (ready ??= import('@aws-sdk/client-kms').then((sdk) => ({ sdk, kms: client ?? new sdk.KMSClient({}) })));
  return {
    async mac(data) {
      const { sdk, kms } = await get();
      const out = await kms.send(new sdk.GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(data, 'utf8') }));
      return Buffer.from(out.Mac!).toString('hex');
    },
    async verify(data, mac) {
      const { sdk, kms } = await get();
      if (!/^(?:[0-9a-f]{2})+$/.test(mac)) return false;
      try {
        const out = await kms.send(
          new sdk.VerifyMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(data, 'utf8'), Mac: Buffer.from(mac, 'hex') }),
        );
        return out.MacValid === true;
      } catch (e) {
        // KMS answers a wrong MAC with an exception rather than MacValid: false.
        if (e instanceof sdk.KMSInvalidMacException) return false;
        throw e;
      }
    },
  };
}

/**
 * The MAC keys this process may use, as the environment names them: a KMS key where `KMS_KEY_<PURPOSE>` is set (in
 * AWS), else the local secret under `MAC_KEY_DIR`.
 */
export function keysFromEnv(env: NodeJS.ProcessEnv = process.env, kms?: KMSClient): Keys {
  return Object.fromEntries(
    KEY_PURPOSES.map((p) => {
      const keyId = env[kmsKeyEnv(p)];
      return [p, keyId ? kmsKey(keyId, kms) : localKey(p, env)];
    }),
  ) as Keys;
}
