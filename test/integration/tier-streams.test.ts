import { describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../infra/local/resources';
import { useSharedEmulators } from '../support/shared-emulators';

useSharedEmulators();

describe('level table streams on DynamoDB Local', () => {
  it('a table kept from before streams were used gets one on the next start', async () => {
    const ddb = new DynamoDBClient({});
    const name = `govtiers-stream-probe-${Date.now()}`;
    await ensureTable(ddb, name);
    const before = await ddb.send(new DescribeTableCommand({ TableName: name }));
    expect(before.Table?.StreamSpecification?.StreamEnabled ?? false).toBe(false);
    await ensureTable(ddb, name, { stream: true });
    const after = await ddb.send(new DescribeTableCommand({ TableName: name }));
    expect(after.Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(after.Table?.LatestStreamArn).toBeTruthy();
    // Idempotent: a second start changes nothing.
    await ensureTable(ddb, name, { stream: true });
    expect((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamArn).toBe(after.Table?.LatestStreamArn);
  });
});
