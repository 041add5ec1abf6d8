// What the moderation pages accept: each query and form is parsed here, bounded, typed.
import { z } from 'zod';

export const statuses = ['pending', 'approved', 'rejected', 'spam'] as const;
export type Status = (typeof statuses)[number];

const cursor = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z~[0-9a-f-]{36}$/)
  .transform((value) => {
    const [at, id] = value.split('~') as [string, string];
    return { createdAt: new Date(at), id };
  });

export const queueQuery = z.object({
  status: z.enum(statuses).catch('pending'),
  q: z.string().trim().max(200).catch(''),
  order: z.enum(['newest', 'oldest']).catch('newest'),
  after: cursor.optional().catch(undefined),
});
export type QueueQuery = z.infer<typeof queueQuery>;

export function encodeCursor(reply: { createdAt: Date; id: string }): string {
  return `${reply.createdAt.toISOString()}~${reply.id}`;
}

/** One reply's button ("approve:<id>") or the bulk buttons ("approve") with ticked ids. */
export const moderateForm = z.object({
  action: z
    .string()
    .regex(/^(pending|approved|rejected|spam)(:[0-9a-f-]{36})?$/, 'unknown action')
    .transform((value) => {
      const [status, single] = value.split(':') as [Status, string | undefined];
      return { status, single };
    }),
  ids: z.array(z.uuid()).max(500).default([]),
  back: z.string().regex(/^\/admin\/replies(\?[\w=&%.~:+-]*)?$/).catch('/admin/replies'),
});

export const correctionForm = z.object({
  value: z.string().max(10_000),
});

export const uuidParam = z.uuid();
