// Replies as readers write them (short and long, names typed oddly, some quotable), so that the
// pages are looked at with realistic content rather than a single word.
import { nameKey } from '../../src/catalog/normalise.ts';
import type { Db } from '../../src/db/client.ts';
import { storeReply } from '../helpers/admin.ts';

type Status = 'pending' | 'approved';
interface Seed {
  status: Status;
  messengers: string[];
  why?: string;
  compare?: string;
  clients?: Record<string, string[]>;
  provider?: Record<string, string>;
  name?: string;
  contact?: string;
  quote?: boolean;
}

const seeds: Seed[] = [
  {
    status: 'pending',
    messengers: ['matrix', 'xmpp'],
    why: 'My family is on Matrix, my friends from the hackerspace on XMPP. Both let me choose my server.',
    compare: 'XMPP is lighter on my old phone; Matrix rooms are livelier.',
    clients: { matrix: ['Element', 'FluffyChat'], xmpp: ['Conversations'] },
    provider: { matrix: 'tchncs.de', xmpp: 'yax.im' },
    name: 'Ada',
    contact: 'ada@example.org',
    quote: true,
  },
  {
    status: 'pending',
    messengers: ['deltachat'],
    why: 'Everyone I know already has e-mail.',
    clients: { deltachat: ['Delta Chat'] },
    provider: { deltachat: 'nine.testrun.org' },
  },
  { status: 'pending', messengers: ['xmpp'], clients: { xmpp: ['Gajim', 'Dino'] }, name: 'kit', quote: true },
  {
    status: 'pending',
    messengers: ['matrix'],
    why: 'Bridges. I keep one app and reach people on three networks.',
    clients: { matrix: ['Elemnt Nightly'] },
    provider: { matrix: 'matrix.org' },
  },
  {
    status: 'pending',
    messengers: ['matrix', 'deltachat'],
    why: 'Work uses Matrix, my parents Delta Chat.',
    clients: { matrix: ['Element X'], deltachat: ['ArcaneChat'] },
  },
  { status: 'pending', messengers: ['xmpp'], why: 'I run Prosody for my family since 2015.', clients: { xmpp: ['Monal'] } },
  {
    status: 'approved',
    messengers: ['matrix'],
    why: 'Federation without a phone number, and rooms that outlive any one company.',
    clients: { matrix: ['Element'] },
    name: 'Jo',
    quote: true,
  },
  { status: 'approved', messengers: ['xmpp', 'deltachat'], why: 'Small, fast, and old enough to trust.', clients: { xmpp: ['Conversations'] }, quote: true },
  { status: 'approved', messengers: ['deltachat'], clients: { deltachat: ['Delta Chat'] } },
];

export async function seedReplies(db: Db): Promise<void> {
  let minute = 0;
  for (const seed of seeds) {
    const answers = [
      ...seed.messengers.map((value) => ({ questionId: 'messengers', value })),
      ...(seed.why ? [{ questionId: 'why', value: seed.why }] : []),
      ...(seed.compare ? [{ questionId: 'compare', value: seed.compare }] : []),
      ...Object.entries(seed.clients ?? {}).flatMap(([scope, names]) =>
        names.map((value) => ({ questionId: 'clients', scope, value, nameKey: nameKey(value) })),
      ),
      ...Object.entries(seed.provider ?? {}).map(([scope, value]) => ({ questionId: 'provider', scope, value, nameKey: nameKey(value) })),
    ];
    const reply = await storeReply(db, {
      status: seed.status,
      answers,
      ...(seed.name ? { displayName: seed.name } : {}),
      createdAt: new Date(Date.UTC(2026, 10, 20, 9, minute++ * 7)),
    });
    await db.reply.update({
      where: { id: reply.id },
      data: { contact: seed.contact ?? null, consentQuote: seed.quote ?? false, moderatedAt: new Date(Date.UTC(2026, 10, 21)) },
    });
  }
}
