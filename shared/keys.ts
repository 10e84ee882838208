import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keyed MACs whose keys the domain never holds: in AWS a KMS HMAC key (GenerateMac/VerifyMac) granted to the one
 * function that may use it; locally a secret kept under the data folder. Both behind this one port.
 */
export interface MacKey {
  /** HMAC-SHA-256 of `data`, hex. Deterministic: the same data always gives the same MAC. */
  mac(data: string): Promise<string>;
  /** Constant-time check of a MAC made by `mac`. */
  verify(data: string, mac: string): Promise<boolean>;
}

/**
 * What each key is for; separate keys so that a principal allowed one cannot forge the other. `audit` signs audit
 * entries and checkpoints; `identity` keys the uniqueness index of resident IDs and credit codes.
 */
export const KEY_PURPOSES = ['audit', 'identity'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];
export type Keys = Record<KeyPurpose, MacKey>;

/** A MAC key over a secret held in this process (the local runtime's and the tests' keys). */
export function hmacKey(secret: Uint8Array): MacKey {
  const mac = (data: string) => createHmac('sha256', secret).update(data, 'utf8').digest('hex');
  return {
    mac: async (data) => mac(data),
    verify: async (data, given) => {
      const want = Buffer.from(mac(data), 'hex');
      const got = Buffer.from(given, 'hex');
      return got.length === want.length && timingSafeEqual(got, want);
    },
  };
}
