// Property-based fuzzing (fast-check, fixed seed, bounded runs) of every public route and of the
// sign-in: whatever a client sends, Postbag answers, and never with a 5xx. Each route is one
// property; a failure is shrunk to a small request, shown with the seed that replays it.
import fc from 'fast-check';
import { AUTHOR_PASSWORD, setAuthorPassword, signIn } from '../harness/author.ts';
import { acknowledgedSecret, answers, fetchForm, formVocabulary, sendForm, type Form } from '../harness/form.ts';
import { describeRequest, formBody, headerText, query, urlPart, type FuzzRequest } from '../harness/fuzz-requests.ts';
import { outcomeKey } from '../harness/http.ts';
import { startInstance, type Instance } from '../harness/instance.ts';
import { rowsFor, type Scenario } from '../harness/report.ts';
import { describeCounts } from '../harness/stats.ts';

const SLUG = 'leaving-session';
const FORM = `/s/${SLUG}`;
const BASE64URL = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''));

export const fuzz: Scenario = async ({ cluster, quick, seed }) => {
  const { rows, check } = rowsFor('fuzz');
  const numRuns = quick ? 20 : 100;
  const timeLimitMs = quick ? 4_000 : 10_000;
  const databaseUrl = await cluster.freshDatabase('reliability_fuzz');
  await setAuthorPassword(databaseUrl);
  const instance = await startInstance({ name: 'fuzz', databaseUrl });
  try {
    const routes = await routeArbitraries(instance);
    for (const [route, requests] of routes) {
      const statuses = new Map<string, number>();
      const answered = new Map<string, string>();
      const details = await fc.check(
        fc.asyncProperty(requests, async (request) => {
          const outcome = await instance.client.send({ ...request, timeoutMs: 10_000 });
          statuses.set(outcomeKey(outcome), (statuses.get(outcomeKey(outcome)) ?? 0) + 1);
          answered.set(describeRequest(request), outcomeKey(outcome));
          return outcome.status !== null && outcome.status < 500;
        }),
        { seed, numRuns, plugins: [fc.interruptAfterTimeLimit(timeLimitMs)] },
      );
      const shrunk = (details.counterexample as [FuzzRequest] | null)?.[0];
      const failure = shrunk
        ? ` — smallest failing: ${describeRequest(shrunk)} → ${answered.get(describeRequest(shrunk)) ?? '?'} (seed ${seed}, path ${details.counterexamplePath})`
        : '';
      check(
        `${route}: answered, never 5xx`,
        `${details.numRuns} runs${details.interrupted ? ' (time limit)' : ''}, seen: ${describeCounts(statuses)}${failure}`,
        !details.failed && instance.alive(),
      );
      if (!instance.alive()) {
        check('the process survives the fuzzing', `exited during ${route}: ${await instance.lastWords()}`, false);
        break;
      }
    }
  } finally {
    await instance.stop();
  }
  return rows;
};

/** Each route with the requests to throw at it, aimed with what a real visit yields: the form's fields, a private link, the feed's token. */
async function routeArbitraries(instance: Instance): Promise<[string, fc.Arbitrary<FuzzRequest>][]> {
  const page = await instance.client.send({ method: 'GET', path: FORM });
  const vocabulary = formVocabulary(page.body);
  const forms: Form[] = [];
  for (let i = 0; i < 10; i++) {
    const { form } = await fetchForm(instance.client, FORM);
    if (form) forms.push(form);
  }
  const hidden = forms.map((form) => form.hidden);
  const secret = forms[0] ? acknowledgedSecret(await sendForm(instance.client, forms[0], answers('fuzzseed'))) : null;
  const author = await signIn(instance);
  const feedPage = await instance.client.send({ method: 'GET', path: '/admin/feed', headers: { cookie: author.cookie } });
  const token = /\/feed\/([A-Za-z0-9_-]+)/.exec(feedPage.body)?.[1];
  const signInForm = (await fetchForm(instance.client, '/admin/sign-in')).form;
  if (forms.length === 0 || !secret || !token || !signInForm) {
    throw new Error(
      `Could not prepare the fuzzing: form ${forms.length > 0}, private link ${Boolean(secret)}, feed token ${Boolean(token)}, sign-in form ${Boolean(signInForm)}`,
    );
  }

  // Readers arrive from many addresses (so per-client limits do not answer everything), and now and then with a malformed one.
  const headers = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => ({ 'x-forwarded-for': `10.200.${a}.${b}` })) },
    { weight: 1, arbitrary: headerText.map((text) => ({ 'x-forwarded-for': text })) },
  );
  const get = (path: fc.Arbitrary<string>) => fc.tuple(path, query, headers).map(([p, q, h]): FuzzRequest => ({ method: 'GET', path: `${p}${q}`, headers: h }));
  const post = (path: fc.Arbitrary<string>, bodies = formBody({ ...vocabulary, hidden, answers: answers('fuzzbody') })) =>
    fc.tuple(path, bodies, headers).map(([p, b, h]): FuzzRequest => ({ method: 'POST', path: p, headers: { ...h, ...b.headers }, body: b.body }));
  const slug = fc.oneof(fc.constant(SLUG), urlPart);
  const privateLink = fc.oneof(fc.constant(secret), urlPart, fc.string({ unit: BASE64URL, minLength: 43, maxLength: 43 }));
  const strangerLink = fc.oneof(urlPart, fc.string({ unit: BASE64URL, minLength: 43, maxLength: 43 }));
  const feedToken = fc.oneof(
    fc.constant(token),
    urlPart,
    urlPart.map((part) => `${token}${part}`),
    fc.nat(token.length - 1).map((i) => `${token.slice(0, i)}A${token.slice(i + 1)}`),
  );
  const signInBody = formBody({
    names: ['password', ...signInForm.hidden.map(([name]) => name)],
    values: [AUTHOR_PASSWORD],
    hidden: [signInForm.hidden],
    answers: [['password', 'not the password']],
  });
  const cookie = fc.oneof(
    fc.constant(''),
    headerText,
    headerText.map((t) => `postbag_admin=${t}`),
    headerText.map((t) => `postbag_device=${t}`),
    fc.constant(author.cookie),
  );
  const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

  return [
    ['GET /', get(fc.constant('/'))],
    ['GET /s/:slug', get(slug.map((s) => `/s/${s}`))],
    ['GET /s/:slug/tally', get(slug.map((s) => `/s/${s}/tally`))],
    ['GET /s/:slug/tally.gmi', get(slug.map((s) => `/s/${s}/tally.gmi`))],
    ['GET /feed/:token', get(feedToken.map((t) => `/feed/${t}`))],
    ['GET /r/:secret', get(privateLink.map((s) => `/r/${s}`))],
    ['GET /r/:secret/edit', get(privateLink.map((s) => `/r/${s}/edit`))],
    ['POST /r/:secret/edit', post(privateLink.map((s) => `/r/${s}/edit`))],
    ['GET /r/:secret/delete', get(privateLink.map((s) => `/r/${s}/delete`))],
    // Never the real link: deleting its reply would leave the other routes nothing to find.
    ['POST /r/:secret/delete', post(strangerLink.map((s) => `/r/${s}/delete`))],
    // The form's own address (it may differ from the page's), and the page's.
    ...[...new Set([forms[0]!.action, FORM])].map((action): [string, fc.Arbitrary<FuzzRequest>] => [
      `POST ${action.replace(SLUG, ':slug')}`,
      post(slug.map((s) => action.replace(SLUG, s))),
    ]),
    ['GET /privacy', get(fc.constant('/privacy'))],
    [
      'POST /admin/sign-in',
      fc
        .tuple(post(fc.constant('/admin/sign-in'), signInBody), cookie)
        .map(([request, c]) => ({ ...request, headers: c ? { ...request.headers, cookie: c } : request.headers })),
    ],
    [
      'any method, any path',
      fc
        .tuple(method, fc.array(urlPart, { maxLength: 4 }), query, headers)
        .map(([m, parts, q, h]): FuzzRequest => ({ method: m, path: `/${parts.join('/')}${q}`, headers: h })),
    ],
  ];
}
