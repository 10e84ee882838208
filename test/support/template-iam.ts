/**
 * A synthesized template's IAM, made concrete for an offline policy simulator: every resource gets the physical name
 * and ARN CloudFormation would give it (its logical id stands for the name), and the intrinsics inside policies
 * (`Ref`, `Fn::GetAtt … Arn`, `Fn::Join`) are resolved to plain strings.
 */

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, any> }>;
}

export interface Env {
  account: string;
  region: string;
  partition: string;
  urlSuffix: string;
}

type Policy = { Version?: string; Statement: Record<string, unknown>[] };

/** The label standing for a table stream's, which DynamoDB chooses when it creates the stream. */
export const STREAM_LABEL = '2026-01-01T00:00:00.000';

export class TemplateIam {
  constructor(
    readonly template: CfnTemplate,
    readonly env: Env,
  ) {}

  /** The physical name CloudFormation would choose, here the logical id (lowercase for buckets, as S3 wants). */
  name(logicalId: string): string {
    return this.type(logicalId) === 'AWS::S3::Bucket' ? logicalId.toLowerCase() : logicalId;
  }

  type(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId} in the template`);
    return resource.Type;
  }

  arn(logicalId: string): string {
    const { partition: p, region: r, account: a } = this.env;
    const name = this.name(logicalId);
    const arns: Record<string, string> = {
      'AWS::DynamoDB::Table': `arn:${p}:dynamodb:${r}:${a}:table/${name}`,
      'AWS::SQS::Queue': `arn:${p}:sqs:${r}:${a}:${name}`,
      'AWS::S3::Bucket': `arn:${p}:s3:::${name}`,
      'AWS::Logs::LogGroup': `arn:${p}:logs:${r}:${a}:log-group:${name}:*`,
      'AWS::KMS::Key': `arn:${p}:kms:${r}:${a}:key/${name}`,
      'AWS::IAM::Role': `arn:${p}:iam::${a}:role/${name}`,
      'AWS::Lambda::Function': `arn:${p}:lambda:${r}:${a}:function:${name}`,
    };
    const arn = arns[this.type(logicalId)];
    if (!arn) throw new Error(`no ARN shape for ${this.type(logicalId)} (${logicalId})`);
    return arn;
  }

  /** What `Ref` gives: a queue's URL, most others' name. */
  ref(logicalId: string): string {
    const { region, account, urlSuffix } = this.env;
    if (this.type(logicalId) === 'AWS::SQS::Queue') return `https://sqs.${region}.${urlSuffix}/${account}/${logicalId}`;
    return this.name(logicalId);
  }

  resolve(value: unknown): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      if ('Ref' in o) {
        const pseudo: Record<string, string> = {
          'AWS::Partition': this.env.partition,
          'AWS::Region': this.env.region,
          'AWS::AccountId': this.env.account,
          'AWS::URLSuffix': this.env.urlSuffix,
        };
        const ref = o.Ref as string;
        return pseudo[ref] ?? this.ref(ref);
      }
      if ('Fn::GetAtt' in o) {
        const [id, attr] = o['Fn::GetAtt'] as [string, string];
        if (attr === 'Arn') return this.arn(id);
        // A table's stream: its label is only known once deployed, any fixed one stands for it.
        if (attr === 'StreamArn') return `${this.arn(id)}/stream/${STREAM_LABEL}`;
        throw new Error(`cannot resolve Fn::GetAtt ${id}.${attr}`);
      }
      if ('Fn::Join' in o) {
        const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
        return (this.resolve(parts) as string[]).join(sep);
      }
      if (keys[0]!.startsWith('Fn::')) throw new Error(`cannot resolve ${keys[0]}`);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** Every policy attached to a role: its AWS::IAM::Policy resources and inline policies. Managed policies are refused. */
  rolePolicies(roleId: string): { name: string; policy: Policy }[] {
    const role = this.template.Resources[roleId]?.Properties ?? {};
    if (role.ManagedPolicyArns) throw new Error(`${roleId} has managed policies, which this simulation cannot see`);
    const inline = ((role.Policies ?? []) as { PolicyName: string; PolicyDocument: Policy }[]).map((p) => ({
      name: p.PolicyName,
      policy: this.resolve(p.PolicyDocument) as Policy,
    }));
    const attached = Object.entries(this.template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(`{"Ref":"${roleId}"}`))
      .map(([id, r]) => ({ name: id, policy: this.resolve(r.Properties!.PolicyDocument) as Policy }));
    return [...inline, ...attached];
  }

  /** The resource policy on a bucket, queue or key, if the template gives it one. */
  resourcePolicy(logicalId: string): Policy | undefined {
    const type = this.type(logicalId);
    if (type === 'AWS::KMS::Key') return this.resolve(this.template.Resources[logicalId]!.Properties!.KeyPolicy);
    const holder: Record<string, [string, string]> = {
      'AWS::S3::Bucket': ['AWS::S3::BucketPolicy', 'Bucket'],
      'AWS::SQS::Queue': ['AWS::SQS::QueuePolicy', 'Queues'],
    };
    const [policyType, field] = holder[type] ?? [];
    const found = Object.values(this.template.Resources).find(
      (r) => r.Type === policyType && JSON.stringify(r.Properties?.[field!]).includes(`{"Ref":"${logicalId}"}`),
    );
    return found ? this.resolve(found.Properties!.PolicyDocument) : undefined;
  }

  idsOfType(type: string): string[] {
    return Object.entries(this.template.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => id);
  }
}
