// Writing the tally into the author's capsule files: a page of its own (`--out`), or a section
// in an existing post (`--append`; where it goes and how it is found again: post-section.ts).
// A post that is not UTF-8 is refused (its bytes could not be kept), a run with nothing new
// writes nothing, and every write goes to a temporary file in the same folder that is then
// renamed over the old one, so a crash leaves either the old file or the new one, whole.
import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Change, placeSection, type PlaceOptions, PostFileError } from './post-section.ts';

export type WriteOutcome = 'written' | 'unchanged';

/** `--out`: the tally as a page of its own. */
export async function writeTallyPage(file: string, document: string): Promise<WriteOutcome> {
  const target = await resolveTarget(file);
  const old = await readIfExists(target);
  if (old !== null && old.equals(Buffer.from(document, 'utf8'))) return 'unchanged';
  await writeAtomically(target, document);
  return 'written';
}

/** `--append`: the tally section in an existing post; says how the post changed ('none': not written). */
export async function appendToPost(file: string, slug: string, section: string, options: Omit<PlaceOptions, 'file'> = {}): Promise<Change> {
  const target = await resolveTarget(file);
  const bytes = await readIfExists(target);
  if (bytes === null) throw new PostFileError(`${file} does not exist. --append adds the tally to an existing post; --out writes a page of its own.`);
  let post: string;
  try {
    post = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new PostFileError(`${file} is not UTF-8 text: Postbag will not rewrite it.`);
  }
  const placed = placeSection(post, slug, section, { ...options, file });
  if (placed.change !== 'none') await writeAtomically(target, placed.post);
  return placed.change;
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
