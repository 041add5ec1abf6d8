// The reader's form the benchmark sends (bench/run.ts, bench/submissions.ts).

/** A reader's form as a browser sends it: two messengers, their clients and hosting, a sentence of their own. */
export function replyForm(token: string, n: number): string {
  return new URLSearchParams([
    ['token', token],
    ['messengers', 'matrix'],
    ['messengers', 'xmpp'],
    ['why', `Federation matters to me, and my friends are all there already (reader ${n}).`],
    ['clients.matrix', 'Element'],
    ['clients.matrix', 'fluffy chat'],
    ['hosting.matrix', 'provider'],
    ['provider.matrix', 'matrix.org'],
    ['clients.xmpp', 'Conversations'],
    ['hosting.xmpp', 'self-host'],
    ['server.xmpp', 'Prosody'],
    ['display_name', 'Ada'],
    ['contact', ''],
    ['consent_quote', 'yes'],
    ['leave_empty', ''],
  ]).toString();
}
