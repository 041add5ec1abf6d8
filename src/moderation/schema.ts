// What the moderation pages accept: each query and form is parsed here, bounded, typed.
import { z } from 'zod';

export const statuses = ['pending', 'approved', 'rejected', 'spam'] as const;
export type Status = (typeof statuses)[number];

/**
 * A page cursor, as encodeCursor writes it: a reply's created_at and id. ISO dates have years
 * 0000 to 9999, but PostgreSQL has no year 0 (it refuses the query), so the year must be 1 or later.
 */
const cursor = z
  .string()
  .max(80)
  .transform((value) => value.split('~'))
  .pipe(z.tuple([z.iso.datetime({ precision: 3 }).pipe(z.coerce.date<string>().min(new Date('0001-01-01T00:00:00.000Z'))), z.uuid()]))
  .transform(([createdAt, id]) => ({ createdAt, id }));

export const queueQuery = z.object({
  status: z.enum(statuses).catch('pending'),
  // Control characters cannot be in any stored answer (and PostgreSQL refuses NUL in text).
  q: z
    .string()
    .trim()
    .max(200)
    .regex(/^[^\p{Cc}]*$/u)
    .catch(''),
  order: z.enum(['newest', 'oldest']).catch('newest'),
  /** One survey's replies only (its slug); all surveys' when absent. */
  survey: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .optional()
    .catch(undefined),
  // Only Postbag's own "next page" links carry a cursor: any other is refused (400), not guessed at.
  after: cursor.optional(),
});
export type QueueQuery = z.infer<typeof queueQuery>;

export function encodeCursor(reply: { createdAt: Date; id: string }): string {
  return `${reply.createdAt.toISOString()}~${reply.id}`;
}

const id = z.uuid();
const status = z.enum(statuses);

/**
 * The queue's one form, two ways to use it: "decide" applies each reply's chosen decision
 * (`decision.<id>` radios), so that approving two and rejecting one is a single submit; a bulk
 * button ("approved") moves all the ticked replies.
 */
export const moderateForm = z.preprocess(
  decisionsOf,
  z
    .object({
      action: z.union([z.literal('decide'), status]),
      ids: z.array(id).max(500).default([]),
      decisions: z.record(id, status).default({}),
      // Where the author decided: the queue (with its query) or one reply's page.
      back: z
        .string()
        .regex(/^\/admin\/replies(\?[\w=&%.~:+-]*|\/[0-9a-f-]{36})?$/)
        .catch('/admin/replies'),
    })
    .transform(({ action, ids, decisions, back }) => {
      if (action === 'decide') return { decisions: new Map(Object.entries(decisions)), back };
      return { decisions: new Map(ids.map((replyId) => [replyId, action])), back };
    }),
);
export type Decisions = { decisions: Map<string, Status>; back: string };

/**
 * Gathers the `decision.<id>` radios of the queue form into one object for moderateForm. A
 * reply's ticked "leave it as it is" radio sends an empty decision: nothing to do for that reply.
 */
function decisionsOf(fields: unknown): unknown {
  if (typeof fields !== 'object' || fields === null) return fields;
  const decisions = Object.fromEntries(
    Object.entries(fields).flatMap(([name, value]) => (name.startsWith('decision.') && value !== '' ? [[name.slice('decision.'.length), value]] : [])),
  );
  return { ...fields, decisions };
}

export const correctionForm = z.object({
  value: z.string(),
  questionId: z.string().max(40).optional(),
});
export type Correction = z.infer<typeof correctionForm>;

export const uuidParam = z.uuid();
