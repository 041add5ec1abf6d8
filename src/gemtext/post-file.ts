// Writing the tally into the author's capsule files: a page of its own (`--out`), or a section
// at the end of an existing post between two marker lines (`--append`: above the page's
// footer of links and `[Last updated: …]` when it has one), replaced in place by later runs
// wherever the author moved it. The author's text outside the markers is never
// changed (not even its line endings or invalid bytes: a post that is not UTF-8 is refused),
// a marker pair that is incomplete, repeated or altered is reported and never guessed at, a
// run with nothing new writes nothing, and every write goes to a temporary file in the same
// folder that is then renamed over the old one, so a crash leaves either the old file or the
// new one, whole.
import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';

export class PostFileError extends UserError {}

/** Marker lines are visible in the post (gemtext has no comments), so they say what they are. */
export function tallyMarkers(slug: string): { begin: string; end: string } {
  return { begin: `[postbag tally begin: ${slug}]`, end: `[postbag tally end: ${slug}]` };
}

const wellFormedMarker = /^\[postbag tally (begin|end): ([^\]\s]+)\]$/;
/** A line that means to be a marker, perhaps mangled: any spacing or case of "[postbag tally". */
const markerLike = /^\s*\[\s*postbag\s+tally/i;

/**
 * The post with `section` (complete lines, LF-terminated) between the markers of `slug`: in
 * place of the previous section, or appended with its markers when the post has none yet.
 * The section takes the post's line endings (CRLF if the post uses them).
 */
export function placeSection(post: string, slug: string, section: string, file = 'the post'): string {
  const { begin, end } = tallyMarkers(slug);
  const eol = post.includes('\r\n') ? '\r\n' : '\n';
  const body = section.replaceAll('\n', eol);
  const lines = post.split('\n');
  const begins: number[] = [];
  const ends: number[] = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === begin) begins.push(i);
    else if (line === end) ends.push(i);
    else if (markerLike.test(line) && !wellFormedMarker.test(line)) {
      throw new PostFileError(
        `${file}, line ${i + 1}, looks like a Postbag marker but is not one: ${JSON.stringify(line)}.\n` +
          `Make it exactly "${begin}" or "${end}" again, or remove it.`,
      );
    }
  });

  const before = begins[0] ?? lines.length;
  const unclosed = unclosedToggle(lines.slice(0, before));
  if (unclosed !== null) {
    throw new PostFileError(
      `${file}, line ${unclosed + 1}, opens a preformatted block that is still open where the tally goes; ` +
        'the tally would be drawn inside out. Close the block with a line of three backticks.',
    );
  }

  if (begins.length === 0 && ends.length === 0) {
    const footer = footerStart(lines);
    const head = footer === null ? post : lines.slice(0, footer).join('\n') + '\n';
    const separation = head === '' ? '' : head.endsWith(`${eol}${eol}`) ? '' : head.endsWith(eol) ? eol : eol + eol;
    const tail = footer === null ? '' : eol + lines.slice(footer).join('\n');
    return `${head}${separation}${begin}${eol}${body}${end}${eol}${tail}`;
  }
  const [first] = begins;
  const [last] = ends;
  if (begins.length !== 1 || ends.length !== 1 || first === undefined || last === undefined || first > last) {
    throw new PostFileError(`${file} has ${describeMarkers(begins, ends)}; it needs exactly one "${begin}" line followed by one "${end}" line.
Fix the markers by hand (remove both, with the old tally between them, to have the tally added at the end again).`);
  }
  // Split on LF only, each line keeps its CR: joining back restores the author's bytes.
  return `${lines.slice(0, first + 1).join('\n')}\n${body}${lines.slice(last).join('\n')}`;
}

/**
 * Where the capsule's page footer starts (its "Up One Level" and "Home" links and the closing
 * `[Last updated: …]` line), so the tally goes at the end of the post's text, above the
 * footer; null when the post does not end that way, and the tally goes at the very end.
 */
function footerStart(lines: readonly string[]): number | null {
  const text = (i: number) => lines[i]!.replace(/\r$/, '');
  let last = lines.length - 1;
  while (last >= 0 && text(last) === '') last--;
  if (last < 0 || !text(last).startsWith('[Last updated:')) return null;
  let start = last;
  while (start > 0 && text(start - 1).startsWith('=>')) start--;
  return start;
}

/** The index of a preformat toggle left open at the end of `lines`, or null when all are closed. */
function unclosedToggle(lines: readonly string[]): number | null {
  let open: number | null = null;
  lines.forEach((line, i) => {
    if (line.startsWith('```')) open = open === null ? i : null;
  });
  return open;
}

function describeMarkers(begins: number[], ends: number[]): string {
  const lines = (at: number[]) => `line ${at.map((i) => i + 1).join(', ')}`;
  const list = (what: 'begin' | 'end', at: number[]) => {
    if (at.length === 0) return `no ${what} marker`;
    return at.length === 1 ? `${what === 'end' ? 'an' : 'a'} ${what} marker (${lines(at)})` : `${at.length} ${what} markers (${lines(at)})`;
  };
  if (begins.length === 1 && ends.length === 1) return `its end marker (${lines(ends)}) before its begin marker (${lines(begins)})`;
  return `${list('begin', begins)} and ${list('end', ends)}`;
}

export type WriteOutcome = 'written' | 'unchanged';

/** `--out`: the tally as a page of its own. */
export async function writeTallyPage(file: string, document: string): Promise<WriteOutcome> {
  const target = await resolveTarget(file);
  const old = await readIfExists(target);
  if (old !== null && old.equals(Buffer.from(document, 'utf8'))) return 'unchanged';
  await writeAtomically(target, document);
  return 'written';
}

/** `--append`: the tally section in an existing post. */
export async function appendToPost(file: string, slug: string, section: string): Promise<WriteOutcome> {
  const target = await resolveTarget(file);
  const bytes = await readIfExists(target);
  if (bytes === null) throw new PostFileError(`${file} does not exist. --append adds the tally to an existing post; --out writes a page of its own.`);
  let post: string;
  try {
    post = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new PostFileError(`${file} is not UTF-8 text: Postbag will not rewrite it.`);
  }
  const updated = placeSection(post, slug, section, file);
  if (updated === post) return 'unchanged';
  await writeAtomically(target, updated);
  return 'written';
}

/** A symlinked post is written where it points, so the link stays a link. */
async function resolveTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return path.resolve(file);
    throw new PostFileError(`Cannot find ${file}: ${(err as Error).message}`);
  }
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PostFileError(`Cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Temporary file beside the target, flushed, then renamed over it; the old file keeps its mode. */
export async function writeAtomically(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const mode = await stat(file).then(
    (s) => s.mode & 0o7777,
    () => null,
  );
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      if (mode !== null) await handle.chmod(mode);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new PostFileError(`Cannot write ${file}: ${(err as Error).message} (the file was left as it was).`);
  }
  // The rename is durable once the folder's entry is on disk.
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
