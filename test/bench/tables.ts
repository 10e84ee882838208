import { DeleteTableCommand, waitUntilTableNotExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Deletes the tables and waits until they are gone, so that their names can be used again at once. */
export async function dropTables(ddb: DynamoDBClient, names: string[]): Promise<void> {
  await Promise.all(
    names.map(async (TableName) => {
      await ddb.send(new DeleteTableCommand({ TableName }));
      await waitUntilTableNotExists({ client: ddb, maxWaitTime: 30 }, { TableName });
    }),
  );
}
