// How the reader form treats what it receives: the author's settings (src/config.ts) and the
// key that signs form tokens, read once at start.
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { randomSetting } from '../db/settings.ts';
import type { FloodLimits } from '../flood/limits.ts';
import type { TokenRules } from './form-token.ts';
import type { ContentRules } from './hold.ts';

export interface ReplyPolicy extends ContentRules {
  /** The key that signs form tokens, shared by every instance (a row of the setting table). */
  tokenKey: string;
  form: TokenRules;
  flood: FloodLimits;
  /** every: the author reads every reply first; flagged: only what a rule flags waits. */
  moderation: 'every' | 'flagged';
}

export async function loadReplyPolicy(db: Db, config: Pick<Config, 'form' | 'floodLimits' | 'moderation' | 'holdLinks' | 'mutedWords'>): Promise<ReplyPolicy> {
  return {
    tokenKey: await randomSetting(db, 'form_token_key'),
    form: config.form,
    flood: config.floodLimits,
    moderation: config.moderation,
    holdLinks: config.holdLinks,
    mutedWords: config.mutedWords,
  };
}
