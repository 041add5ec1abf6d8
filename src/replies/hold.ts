// The content rules: signs that a reply may be spam. They never drop a reply: a reply they flag
// waits for the author (whatever the moderation policy), with the reasons shown in the queue.
import type { ReplyInput } from './read-form.ts';

export const holdReasons = {
  honeypot: 'the "leave this empty" field was filled in',
  links: 'it has many links',
  muted: 'it uses a muted word',
  repeated: 'the same text came in another reply',
} as const;
export type HoldReason = keyof typeof holdReasons;

export interface ContentRules {
  /** More links than this flag a reply. */
  holdLinks: number;
  /** Lowercase words (or phrases) that flag a reply. */
  mutedWords: readonly string[];
}

const link = /\b(?:https?|gemini|gopher|ftp):\/\/|\bwww\.[^\s.]/giu;

/** The reasons found in what the reader wrote (the repeated-text rule needs the database: see receive.ts). */
export function contentHolds(reply: ReplyInput, rules: ContentRules): HoldReason[] {
  const texts = [...reply.answers.map((a) => a.value), reply.displayName ?? '', reply.contact ?? ''];
  const reasons: HoldReason[] = [];
  const links = reply.answers.reduce((sum, a) => sum + (a.value.match(link)?.length ?? 0), 0);
  if (links > rules.holdLinks) reasons.push('links');
  if (rules.mutedWords.length > 0 && texts.some((text) => mutedPattern(rules.mutedWords).test(text))) reasons.push('muted');
  return reasons;
}

const patterns = new WeakMap<readonly string[], RegExp>();

/** Muted words match whole, in any letter case: "spam" mutes "SPAM!" but not "spammer". */
function mutedPattern(words: readonly string[]): RegExp {
  let pattern = patterns.get(words);
  if (!pattern) {
    const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
    patterns.set(words, pattern);
  }
  return pattern;
}
