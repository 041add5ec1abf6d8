// What readers were told against what the database holds. Every form a simulated reader sends
// carries a marker in its typed answer; a form is acknowledged when Postbag answered 303 with
// a private link. Afterwards the replies are read straight from PostgreSQL and matched to the
// forms by marker, and to the acknowledgement by the stored hash of the link's secret.
import { hashSecret } from '../../../src/replies/secret.ts';
import { withClient } from '../../../src/db/with-client.ts';
import { markerIn } from './form.ts';

export class Ledger {
  /** marker → the secret of the private link it was acknowledged with (null: never acknowledged). */
  readonly forms = new Map<string, string | null>();

  sent(marker: string): void {
    if (!this.forms.has(marker)) this.forms.set(marker, null);
  }

  acknowledged(marker: string, secret: string): void {
    this.forms.set(marker, secret);
  }

  get acknowledgedCount(): number {
    return [...this.forms.values()].filter((secret) => secret !== null).length;
  }
}

export interface StoredReply {
  secretHash: string;
  /** How many answer rows the reply holds. */
  answers: number;
  /** The typed answer that carries the marker. */
  text: string;
}

/** The replies in the database that carry a marker, by marker. */
export async function storedReplies(databaseUrl: string): Promise<Map<string, StoredReply[]>> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ secret_hash: string; value: string; answers: string }>(`
      SELECT r.secret_hash, a.value, (SELECT count(*) FROM answer x WHERE x.reply_id = r.id) AS answers
      FROM reply r JOIN answer a ON a.reply_id = r.id AND a.question_id = 'why'`),
  );
  const byMarker = new Map<string, StoredReply[]>();
  for (const row of rows) {
    const marker = markerIn(row.value);
    if (marker === null) continue;
    byMarker.set(marker, [...(byMarker.get(marker) ?? []), { secretHash: row.secret_hash, answers: Number(row.answers), text: row.value }]);
  }
  return byMarker;
}

export interface Reconciliation {
  acknowledged: number;
  /** Replies in the database that carry one of the sent forms' markers. */
  stored: number;
  /** Acknowledged, but no reply holds it under the link's secret. */
  lost: number;
  /** Forms stored as more than one reply. */
  duplicated: number;
  /** Stored although the reader was never told so (an error page, a cut connection). */
  storedUnacknowledged: number;
}

export async function reconcile(ledger: Ledger, databaseUrl: string): Promise<Reconciliation> {
  const stored = await storedReplies(databaseUrl);
  const result: Reconciliation = { acknowledged: 0, stored: 0, lost: 0, duplicated: 0, storedUnacknowledged: 0 };
  for (const [marker, secret] of ledger.forms) {
    const replies = stored.get(marker) ?? [];
    result.stored += replies.length;
    if (replies.length > 1) result.duplicated++;
    if (secret === null) {
      if (replies.length > 0) result.storedUnacknowledged++;
      continue;
    }
    result.acknowledged++;
    if (!replies.some((reply) => reply.secretHash === hashSecret(secret))) result.lost++;
  }
  return result;
}

export function describeReconciliation(r: Reconciliation): string {
  return `acknowledged ${r.acknowledged}, stored ${r.stored}, lost ${r.lost}, duplicated ${r.duplicated}, stored unacknowledged ${r.storedUnacknowledged}`;
}

export function reconciled(r: Reconciliation): boolean {
  return r.acknowledged > 0 && r.lost === 0 && r.duplicated === 0 && r.storedUnacknowledged === 0;
}
