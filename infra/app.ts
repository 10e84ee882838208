import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag';
import { GovtiersStack, type IdentityProvider } from './stack';

/** cdk.json's context (feature flags): tests build the app with it too, so they see what `cdk synth` sees. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(fileURLToPath(new URL('../cdk.json', import.meta.url)), 'utf8'),
).context;

/**
 * The identity provider from the context: the stack's own Cognito pool, unless `oidc-issuer` names the province's
 * OIDC issuer (with `oidc-audience`; optionally `oidc-jwks-url`, `oidc-claim-role`, `oidc-claim-unit`,
 * `oidc-claim-dept`, `oidc-claim-verified-id`, and `oidc-staff-amr` as a comma-separated list).
 */
function identityFrom(context: (key: string) => unknown): IdentityProvider {
  const get = (key: string) => {
    const v = context(key);
    return v === undefined || v === '' ? undefined : String(v);
  };
  const issuer = get('oidc-issuer');
  if (!issuer) return { kind: 'cognito' };
  const audience = get('oidc-audience');
  if (!audience) throw new Error('oidc-issuer needs oidc-audience: the client id govtiers has at that issuer');
  for (const [key, url] of [['oidc-issuer', issuer], ['oidc-jwks-url', get('oidc-jwks-url')]] as const) {
    if (url !== undefined && !/^https:\/\/[^\s/]+/.test(url)) throw new Error(`${key} must be an https URL, got "${url}"`);
  }
  const jwksUrl = get('oidc-jwks-url');
  const role = get('oidc-claim-role');
  const unit = get('oidc-claim-unit');
  const dept = get('oidc-claim-dept');
  const verifiedIdClaim = get('oidc-claim-verified-id');
  const staffAmr = get('oidc-staff-amr')?.split(',').map((m) => m.trim()).filter(Boolean);
  return {
    kind: 'oidc',
    issuer,
    audience,
    ...(jwksUrl ? { jwksUrl } : {}),
    claims: { ...(role ? { role } : {}), ...(unit ? { unit } : {}), ...(dept ? { dept } : {}) },
    ...(verifiedIdClaim ? { verifiedIdClaim } : {}),
    ...(staffAmr?.length ? { staffAmr } : {}),
  };
}

/** The site's own origin (`-c web-origin=https://…`), if it has a domain of its own. */
function webOriginFrom(value: unknown): { webOrigin?: string } {
  if (value === undefined) return {};
  const url = new URL(String(value));
  if (url.protocol !== 'https:' || url.origin !== String(value)) throw new Error(`web-origin must be an https origin such as https://www.example.gov.cn, got "${String(value)}"`);
  return { webOrigin: url.origin };
}

/**
 * The app: one stack, `Govtiers-<stage>`. Account and region have fixed defaults so that `cdk synth` works offline
 * and without credentials; deploy with `-c stage=prod -c account=… -c region=…`.
 */
export function buildApp(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...CDK_CONTEXT, ...context } });
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new Error(`stage must be a short lowercase name, got "${stage}"`);
  const stack = new GovtiersStack(app, `Govtiers-${stage}`, {
    stage,
    identity: identityFrom((key) => app.node.tryGetContext(key)),
    ...webOriginFrom(app.node.tryGetContext('web-origin')),
    env: {
      account: String(app.node.tryGetContext('account') ?? '123456789012'),
      region: String(app.node.tryGetContext('region') ?? 'us-east-1'),
    },
    description: `govtiers (${stage}): digital government platform for every tier, province to village`,
  });
  addNagChecks(app, stack);
  return { app, stack };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildApp().app.synth();
