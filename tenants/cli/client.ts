/** A small client of the govtiers HTTP API for the command line. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token: string | undefined,
  ) {}

  /** Locally, `--as role:unit` gets a token from the local runtime's issuer for that demo account (README: Demo accounts). */
  async signInLocally(role: string, unit: string, sub = `demo-${role}-${unit}`) {
    const r = await this.call<{ token: string }>('POST', '/local/token', { sub, role, unit });
    this.token = r.token;
  }

  async call<T>(method: string, path: string, body?: unknown, raw?: string): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
        'accept-language': process.env.GOVTIERS_LANG ?? 'zh-CN',
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiCallError(res.status, json);
    return json as T;
  }
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code: string; message: string; fields?: { path: string; message: string }[] } } | undefined,
  ) {
    const e = body?.error;
    const fields = (e?.fields ?? []).slice(0, 20).map((f) => `\n  ${f.path}: ${f.message}`).join('');
    super(`${status} ${e?.code ?? ''} ${e?.message ?? ''}${fields}`);
  }
}
