/**
 * How a running local runtime tells the command line where its data is: `<DATA_DIR>/runtime.json`, written when it
 * starts and removed when it stops. `govtiers bootstrap` writes to the tables directly, as an operator does in AWS.
 */
export const RUNTIME_FILE = 'runtime.json';

export interface RuntimeFile {
  /** DynamoDB Local's endpoint (it accepts any credentials). */
  dynamodb: string;
  /** Physical table names by table id. */
  tables: Record<string, string>;
  /** The S3 emulator's endpoint and the files bucket, which holds the audit archive locally. */
  s3: string;
  bucket: string;
  /** Where the runtime keeps its MAC keys: an operator's audit entries are signed with the same audit key. */
  macKeyDir: string;
}
