// A browser's side of the bench's conversations with the server: a cookie jar, forms with their
// CSRF token, and the first-request timings.
export const PASSWORD = 'passerelle-demo-2026';
export const ADMIN_EMAIL = 'admin@passerelle.local';

/** The hidden `_csrf` field of a page's form. */
export function csrfOf(html: string, where = 'page'): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF token on ${where}`);
  return m[1]!;
}

export class Session {
  private readonly jar = new Map<string, string>();
  constructor(readonly base: string) {}

  /** The Cookie header (also what autocannon sends). */
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(600_000),
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: this.cookie },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }

  async html(path: string): Promise<string> {
    const res = await this.request(path);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    return text;
  }

  /** Posts a form (urlencoded, or multipart when given FormData) with the CSRF token of `from`'s page. */
  async post(path: string, fields: Record<string, string> | FormData, from: string): Promise<Response> {
    return this.submit(path, fields, csrfOf(await this.html(from), from));
  }

  /** Posts a form with a CSRF token already read. */
  submit(path: string, fields: Record<string, string> | FormData, _csrf: string): Promise<Response> {
    if (fields instanceof FormData) {
      fields.set('_csrf', _csrf);
      return this.request(path, { method: 'POST', body: fields });
    }
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf }).toString(),
    });
  }
}

/** Signs in as the seeded administrator. */
export async function signIn(base: string): Promise<Session> {
  const s = new Session(base);
  const res = await s.post('/login', { email: ADMIN_EMAIL, password: PASSWORD }, '/login');
  await res.arrayBuffer();
  if (res.status !== 302) throw new Error(`sign-in failed: ${res.status}`);
  return s;
}

/** Where a 302 sends the browser; throws on anything else. */
export async function redirectOf(res: Response, what: string): Promise<string> {
  const body = await res.text();
  if (res.status !== 302) throw new Error(`${what}: ${res.status} ${body.slice(0, 300)}`);
  return res.headers.get('location') ?? '';
}
