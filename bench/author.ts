// The author, as the benchmark plays them: signed in over HTTP like a browser, timing the
// admin pages one request after another, and moderating while readers load the tally.

export interface Author {
  get(path: string): Promise<{ status: number; body: string }>;
  /** Reads an answer through without keeping it (an export of a million replies outgrows a string); returns its size. */
  download(path: string): Promise<{ status: number; bytes: number }>;
  /** Posts a form with the session's CSRF token; returns the status. */
  post(path: string, fields: [string, string][]): Promise<number>;
}

export async function signIn(url: string, password: string): Promise<Author> {
  const res = await fetch(`${url}/admin/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ password }).toString(),
    redirect: 'manual',
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (res.status !== 303 || cookie === '') throw new Error(`sign-in answered ${res.status}`);
  const get = async (path: string) => {
    const answer = await fetch(url + path, { headers: { cookie }, redirect: 'manual' });
    return { status: answer.status, body: await answer.text() };
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await get('/admin/feed')).body)?.[1];
  if (!csrf) throw new Error('no CSRF token on /admin/feed');
  return {
    get,
    download: async (path) => {
      const answer = await fetch(url + path, { headers: { cookie }, redirect: 'manual' });
      let bytes = 0;
      for await (const chunk of answer.body ?? []) bytes += (chunk as Uint8Array).byteLength;
      return { status: answer.status, bytes };
    },
    post: async (path, fields) => {
      const answer = await fetch(url + path, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([...fields, ['_csrf', csrf]]).toString(),
        redirect: 'manual',
      });
      await answer.arrayBuffer();
      return answer.status;
    },
  };
}

export interface Timing {
  median: number;
  p95: number;
  max: number;
  runs: number;
}

/** Runs `run` `n` times one after another (after one untimed warm-up run). */
export async function timeSeries(n: number, run: () => Promise<unknown>): Promise<Timing> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { median: at(0.5), p95: at(0.95), max: times.at(-1)!, runs: n };
}

export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await run();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}
