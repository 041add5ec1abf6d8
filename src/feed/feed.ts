// Notification without push: an Atom feed of replies waiting for moderation, at a secret URL
// the author gives their feed reader. Entries say that a reply waits, never what it says: feed
// readers and the services behind them are not the place for readers' words.
import type { Db } from '../db/client.ts';
import { randomSetting, rotateRandomSetting } from '../db/settings.ts';
import type { Surveys } from '../surveys/registry.ts';

const TOKEN_SETTING = 'feed_token';
const ENTRIES = 50;

export const feedToken = (db: Db) => randomSetting(db, TOKEN_SETTING);
export const rotateFeedToken = (db: Db) => rotateRandomSetting(db, TOKEN_SETTING);

export async function pendingFeed(db: Db, surveys: Surveys, baseUrl: string, token: string): Promise<string> {
  const pending = await db.reply.findMany({
    where: { status: 'pending' },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: ENTRIES,
    select: { id: true, surveySlug: true, createdAt: true, updatedAt: true },
  });
  const updated = (pending[0]?.updatedAt ?? new Date(0)).toISOString();
  const entries = pending.map((reply) => {
    const title = surveys.get(reply.surveySlug)?.title ?? reply.surveySlug;
    return `  <entry>
    <id>urn:uuid:${reply.id}</id>
    <title>A reply to “${xml(title)}” is waiting</title>
    <updated>${reply.updatedAt.toISOString()}</updated>
    <published>${reply.createdAt.toISOString()}</published>
    <link rel="alternate" href="${xml(`${baseUrl}/admin/replies/${reply.id}`)}"/>
    <summary>Sign in to read and moderate it.</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(`${baseUrl}/feed/${token}`)}</id>
  <title>Postbag: replies waiting for moderation</title>
  <updated>${updated}</updated>
  <author><name>Postbag</name></author>
  <link rel="self" href="${xml(`${baseUrl}/feed/${token}`)}"/>
  <link rel="alternate" href="${xml(`${baseUrl}/admin/replies`)}"/>
${entries.join('\n')}
</feed>
`;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
