// Published replies for tally tests: the answers go through the reader form's own reader (so
// they are stored exactly as a reader's would be), then the reply is stored as approved and
// the tally's change counter bumped, as the author's approval does.
import assert from 'node:assert/strict';
import type { Db } from '../../src/db/client.ts';
import { readReplyForm } from '../../src/replies/read-form.ts';
import { hashSecret, newSecret } from '../../src/replies/secret.ts';
import type { Surveys } from '../../src/surveys/registry.ts';
import type { FormPairs } from './forms.ts';

interface Publication {
  survey?: string;
  status?: 'pending' | 'approved' | 'rejected' | 'spam';
  /** When the author approved (or rejected…) it: its moderated_at. */
  approvedAt?: Date;
}

export async function publishReply(db: Db, surveys: Surveys, pairs: FormPairs, publication: Publication = {}) {
  const survey = surveys.get(publication.survey ?? 'leaving-session')!;
  const fields = new Map<string, string[]>();
  for (const [name, value] of pairs) fields.set(name, [...(fields.get(name) ?? []), value]);
  const read = readReplyForm(survey, fields);
  assert.ok(read.ok, `the form refused the reply: ${JSON.stringify(read.ok ? null : read.errors)}`);
  const { answers, ...reply } = read.reply;
  const status = publication.status ?? 'approved';
  const stored = await db.reply.create({
    data: {
      ...reply,
      surveySlug: survey.slug,
      status,
      secretHash: hashSecret(newSecret()),
      moderatedAt: status === 'pending' ? null : (publication.approvedAt ?? new Date('2026-05-10T12:00:00Z')),
      answers: { createMany: { data: answers } },
    },
  });
  return stored;
}

/** What a text browser shows of a page: the text without tags or drawings, spaces collapsed. */
export function visibleText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'" };
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#34|#39);/g, (_, name: string) => entities[name]!)
    .replace(/\s+/g, ' ');
}
