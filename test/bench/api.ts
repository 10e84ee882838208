import type { LocalIssuer } from '../../infra/local/token-issuer';
import type { Principal } from '../../shared/roles';
import type { Job } from '../../tenants/imports';
import { realDeps } from '../support/real-deps';
import { bootstrapProvince } from '../../tenants/people';

export interface CallOptions {
  token?: string;
  /** Sent as it is when a string (a division file's text), as JSON otherwise. */
  body?: unknown;
  /** Sent form-encoded instead (a standard's form route: Open311's POST requests). */
  form?: Record<string, string>;
  /** The status the call must answer; anything else throws. */
  expect: number;
}

export interface Api {
  /** The runtime's base URL. */
  url: string;
  call<T = unknown>(method: string, path: string, opts: CallOptions): Promise<T>;
  /** A token from the local issuer, which refuses staff-side accounts without an active record. */
  token(p: Principal): Promise<string>;
  /** The operator's step: the province unit (if absent) and `sub` as its province admin. */
  bootstrap(province: string, name: string, sub: string): Promise<void>;
  /** Follows a job every 250 ms until it has finished; throws past the deadline (epoch ms; 5 minutes by default). */
  waitForJob(jobId: string, token: string, deadline?: number): Promise<Job>;
}

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The local runtime's HTTP API, as a client sees it. */
export function apiClient(url: string, issuer: LocalIssuer): Api {
  const call = async <T>(method: string, path: string, { token, body, form, expect }: CallOptions): Promise<T> => {
    const type = form ? 'application/x-www-form-urlencoded' : body !== undefined ? 'application/json' : undefined;
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(type ? { 'content-type': type } : {}) },
      body: form ? new URLSearchParams(form).toString() : body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status} (expected ${expect}): ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  return {
    url,
    call,
    token: async (p) => (await issuer.issue(p)).token,
    async bootstrap(province, name, sub) {
      await bootstrapProvince(await realDeps(), 'operator:bench', province, name, sub);
    },
    async waitForJob(jobId, token, deadline = Date.now() + 300_000) {
      for (;;) {
        const job = await call<Job>('GET', `/v1/jobs/${jobId}`, { token, expect: 200 });
        if (job.state === 'succeeded' || job.state === 'failed') return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} not finished in time: ${job.done}/${job.total} units done`);
        await sleep(POLL_MS);
      }
    },
  };
}
