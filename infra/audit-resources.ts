import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { kmsKeyEnv } from '../shared/aws/keys-from-env';
import { ARCHIVE_BUCKET_ENV } from '../shared/aws/s3-archive';
import { KEY_PURPOSES, type KeyPurpose } from '../shared/keys';
import type { DeployedFunction } from './stack';

/**
 * How long each checkpoint of the audit log stays locked, by stage, unless the CDK context `auditRetentionDays`
 * says otherwise (`-c auditRetentionDays=3650`). Compliance mode cannot be shortened or lifted by anyone, the
 * account's root user included, so `dev` keeps a day (its stack can be torn down the next day), and `prod` ten
 * years, the shortest retention of government records (档案保管期限: 10 years, 30 years, permanent). Other stages
 * (staging, test) keep 90 days. The audit entries themselves stay in DynamoDB; a checkpoint only proves how long
 * a chain was and what it held.
 */
export const AUDIT_RETENTION_DAYS: Record<'dev' | 'prod' | 'other', number> = { dev: 1, prod: 3650, other: 90 };

export function auditRetentionDays(scope: Construct, stage: string): number {
  const given = scope.node.tryGetContext('auditRetentionDays');
  if (given === undefined) return AUDIT_RETENTION_DAYS[stage === 'dev' || stage === 'prod' ? stage : 'other'];
  const days = Number(given);
  if (!Number.isInteger(days) || days < 1 || days > 36500) throw new Error(`auditRetentionDays must be a whole number of days (1-36500), got "${given}"`);
  return days;
}

export interface AuditResourcesProps {
  stage: string;
  removalPolicy: RemovalPolicy;
  logBucket: s3.IBucket;
}

const ARCHIVE_OBJECTS = 'audit/*';

/**
 * The audit log's trust anchors: one KMS HMAC key per purpose (`shared/keys.ts`), and the archive, a bucket under
 * S3 Object Lock in compliance mode, for the chains' checkpoints. Functions get what their manifest entry's `keys`
 * say, and nothing else: `sign` is GenerateMac (and, for the audit key, writing checkpoints), `verify` is VerifyMac
 * (and reading them).
 */
export class AuditResources extends Construct {
  readonly keys: Record<KeyPurpose, kms.Key>;
  readonly archive: s3.Bucket;
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: AuditResourcesProps) {
    super(scope, id);
    // No automatic rotation: KMS rotates only symmetric encryption keys, and the MACs already made must stay verifiable.
    this.keys = Object.fromEntries(
      KEY_PURPOSES.map((purpose) => [
        purpose,
        new kms.Key(this, `${purpose[0]!.toUpperCase()}${purpose.slice(1)}MacKey`, {
          description: `govtiers ${props.stage}: HMAC key for ${purpose} MACs`,
          keySpec: kms.KeySpec.HMAC_256,
          keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
          // Outside dev a deleted key would leave every MAC it made unverifiable: keep it.
          removalPolicy: props.removalPolicy,
        }),
      ]),
    ) as Record<KeyPurpose, kms.Key>;

    this.retentionDays = auditRetentionDays(this, props.stage);
    this.archive = new s3.Bucket(this, 'ArchiveBucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(this.retentionDays)),
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'archive/',
      // Locked objects cannot be deleted anyway; the bucket outlives the stack on every stage.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Grants one function what its manifest entry's `keys` say, and tells it where the keys and the archive are. */
  grant({ spec, fn, role }: DeployedFunction): void {
    for (const [purpose, use] of Object.entries(spec.keys ?? {}) as [KeyPurpose, 'sign' | 'verify'][]) {
      const key = this.keys[purpose];
      key.grant(role, use === 'sign' ? 'kms:GenerateMac' : 'kms:VerifyMac');
      fn.addEnvironment(kmsKeyEnv(purpose), key.keyArn);
      if (purpose !== 'audit') continue;
      fn.addEnvironment(ARCHIVE_BUCKET_ENV, this.archive.bucketName);
      // No delete, retention or legal-hold action: checkpoints are only ever added (sign) or read (verify).
      const statements =
        use === 'sign'
          ? [new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.archive.arnForObjects(ARCHIVE_OBJECTS)] })]
          : [
              new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.archive.arnForObjects(ARCHIVE_OBJECTS)] }),
              new iam.PolicyStatement({
                actions: ['s3:ListBucket'],
                resources: [this.archive.bucketArn],
                conditions: { StringLike: { 's3:prefix': [ARCHIVE_OBJECTS] } },
              }),
            ];
      for (const s of statements) role.addToPrincipalPolicy(s);
      const logicalId = Stack.of(this).resolve((this.archive.node.defaultChild as CfnElement).logicalId) as string;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/${ARCHIVE_OBJECTS}]`,
        reason: `${spec.id} has audit: '${use}' in the manifest: it ${use === 'sign' ? 'adds' : 'reads'} checkpoints, ` +
          'one object per checkpoint under audit/ in the archive bucket, whose names are not known in advance.',
      });
    }
  }
}
