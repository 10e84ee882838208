import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GenerateMacCommand, KMSInvalidMacException, VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { keysFromEnv, kmsKey } from '../../shared/aws/keys-from-env';
import { hmacKey } from '../../shared/keys';

/**
 * There is no KMS emulator on these machines, so a stand-in answers GenerateMac and VerifyMac as KMS documents them:
 * the MAC as bytes, and a wrong MAC as KMSInvalidMacException rather than MacValid: false.
 */
function fakeKms(keyId: string) {
  const secret = randomBytes(32);
  const calls: string[] = [];
  const hmac = (m: Uint8Array) => createHmac('sha256', secret).update(m).digest();
  const client = {
    send: async (command: GenerateMacCommand | VerifyMacCommand) => {
      calls.push(command.constructor.name);
      expect(command.input).toMatchObject({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256' });
      if (command instanceof GenerateMacCommand) return { Mac: hmac(command.input.Message!), KeyId: keyId };
      const mac = command.input.Mac!;
      const want = hmac(command.input.Message!);
      if (mac.length !== want.length || !timingSafeEqual(mac, want)) throw new KMSInvalidMacException({ message: 'invalid', $metadata: {} });
      return { MacValid: true, KeyId: keyId };
    },
  };
  return { client: client as unknown as KMSClient, calls, local: hmacKey(secret) };
}

describe('KMS HMAC keys', () => {
  it('MAC as HMAC-SHA-256 hex, and report a wrong MAC as false', async () => {
    const { client, calls, local } = fakeKms('alias/audit');
    const key = kmsKey('alias/audit', client);
    const mac = await key.mac('entry');
    expect(mac).toBe(await local.mac('entry'));
    expect(await key.verify('entry', mac)).toBe(true);
    expect(await key.verify('entry!', mac)).toBe(false);
    expect(await key.verify('entry', 'not hex')).toBe(false);
    expect(calls).toEqual(['GenerateMacCommand', 'VerifyMacCommand', 'VerifyMacCommand']);
  });

  it('are chosen per purpose by KMS_KEY_<PURPOSE>; other purposes keep the local secret', async () => {
    const keyId = 'arn:aws:kms:us-east-1:123456789012:key/x';
    const { client, calls, local } = fakeKms(keyId);
    const keys = keysFromEnv({ KMS_KEY_AUDIT: keyId }, client);
    expect(await keys.audit.mac('x')).toBe(await local.mac('x'));
    expect(calls).toEqual(['GenerateMacCommand']);
    // The identity key is local, and without MAC_KEY_DIR it refuses to work rather than falling back to anything.
    await expect(keys.identity.mac('x')).rejects.toThrow('MAC_KEY_DIR');
  });
});
