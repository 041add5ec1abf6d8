// A reader's way through the survey over Gemini, as the tests need it again and again.
import assert from 'node:assert/strict';
import { linkTo, type RequestOptions, type TestGemini } from './client.ts';

/** Answers the prompt at `path`; returns where the server sends the reader next. */
export async function answer(g: TestGemini, path: string, input: string, options: RequestOptions = {}): Promise<string> {
  const reply = await g.get(path, input, options);
  assert.equal(reply.status, 30, `${path}?${input} → ${reply.status} ${reply.meta}`);
  return reply.meta;
}

/** The whole survey, as a reader in a terminal client answers it; returns the private link's path. */
export async function answerSurvey(g: TestGemini): Promise<string> {
  const home = await g.get('/');
  const survey = await g.get(linkTo(home.body, 'Leaving Session (2026-05-01)'));
  const first = await g.get(linkTo(survey.body, 'Start answering, one question at a time'));
  assert.match(first.body, /^\* 1 Matrix$/m);
  assert.match(first.body, /^\* 3 Delta Chat$/m);

  let next = await answer(g, linkTo(first.body, 'Answer'), '1,3, Signal');
  const answers: Record<string, string> = {
    why: 'Rooms and bridges.\nAnd it is federated.',
    compare: '',
    'clients.matrix': 'Element, Nheko',
    'hosting.matrix': '2',
    'provider.matrix': '',
    'server.matrix': 'Synapse',
    'clients.deltachat': 'ArcaneChat',
    'hosting.deltachat': '1',
    'provider.deltachat': 'nine.testrun.org',
    'server.deltachat': '',
    display_name: 'Ada',
    contact: 'ada@example.org',
    consent_quote: '1',
  };
  for (const [step, typed] of Object.entries(answers)) {
    assert.match(next, new RegExp(`^/a/d/[A-Za-z0-9_-]{12}/q/${step.replace('.', '\\.')}$`), `the next question is ${step}`);
    const page = await g.get(next);
    assert.equal(page.status, 20);
    next = await answer(g, linkTo(page.body, 'Answer'), typed);
  }
  assert.match(next, /\/review$/);
  const review = await g.get(next);
  assert.match(review.body, /^ Matrix, Delta Chat, Signal$/m);
  assert.match(review.body, /^> Rooms and bridges\.\n> And it is federated\.$/m);
  const prompt = await g.get(linkTo(review.body, 'Send your reply'));
  assert.equal(prompt.status, 10);
  const sent = await answer(g, linkTo(review.body, 'Send your reply'), 'yes');
  assert.match(sent, /^\/r\/[A-Za-z0-9_-]{43}$/);
  return sent;
}

/** The path of the draft the reader is in after answering the first question (`messengers`). */
export async function startDraft(g: TestGemini, messengers = '1', options: RequestOptions = {}): Promise<string> {
  const started = await g.get('/a/new/leaving-session/q/messengers/answer', messengers, options);
  assert.equal(started.status, 30, `${started.status} ${started.meta}`);
  return /^(\/a\/d\/[^/]+)\//.exec(started.meta)![1]!;
}

/** The shortest reply: the one required question, then sending. Returns the private link's path. */
export async function sendShortReply(g: TestGemini, options: RequestOptions = {}): Promise<string> {
  const sent = await g.get(`${await startDraft(g, '2', options)}/send`, 'yes', options);
  assert.equal(sent.status, 30, `${sent.status} ${sent.meta}`);
  return sent.meta;
}
