// What a reader types at a Gemini prompt, turned into the web form's fields, and the words of
// the prompt. Choices are answered by option number ("1,3"), so option labels never travel in
// the URL; other names, and names, are typed separated by commas. The form's reader
// (read-form.ts) then checks the fields exactly as it checks the web form.
import { readerLine } from '../gemtext/sanitize.ts';
import { otherFieldName } from '../replies/fields.ts';
import { NAME_SEPARATORS } from '../replies/read-form.ts';
import { isRequired, othersOf, stepTitle, type Step } from './steps.ts';

export type StepInput = { ok: true; fields: Map<string, string[]> } | { ok: false; message: string };

/** Longest question text in a prompt: the page before it shows the whole question. */
const PROMPT_TITLE_LENGTH = 160;
/**
 * Longest list of numbered options in a prompt. A prompt reached from the review page (to
 * change an answer) comes without the question's page, so its options travel in the prompt
 * when they fit; a longer list is on the question's page only.
 */
const PROMPT_OPTIONS_LENGTH = 300;

/**
 * A dash alone stands for no answer: some clients (Amfora) cannot send an empty answer, and a
 * reader must be able to take one back.
 */
const NO_ANSWER = '-';

/** The fields that `input` (decoded, trailing whitespace trimmed) gives this step; none when it is empty or a dash. */
export function readStepInput(step: Step, input: string): StepInput {
  const fields = new Map<string, string[]>();
  const text = input.trim();
  if (text === '' || text === NO_ANSWER) return { ok: true, fields };
  if (step.type === 'consent') {
    if (/^(1|y|yes)$/i.test(text)) fields.set(step.key, ['yes']);
    else if (!/^(2|n|no)$/i.test(text)) return { ok: false, message: 'Please answer 1 (yes) or 2 (no).' };
    return { ok: true, fields };
  }
  if (step.type === 'line') return { ok: true, fields: fields.set(step.key, [input]) };
  const { question } = step;
  if (question.kind === 'text') return { ok: true, fields: fields.set(step.key, [input]) };
  const items = text
    .split(NAME_SEPARATORS)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (question.kind === 'names') return { ok: true, fields: fields.set(step.key, items) };

  const count = question.options.length;
  const othersAllowed = othersOf(step) !== undefined;
  const chosen: string[] = [];
  const others: string[] = [];
  for (const item of items) {
    if (!/^\d+$/.test(item)) {
      if (!othersAllowed) return { ok: false, message: `Please answer with option numbers, from 1 to ${count}.` };
      others.push(item);
      continue;
    }
    const option = question.options[Number(item) - 1];
    if (!option) return { ok: false, message: `There is no option ${item}: the options are 1 to ${count}.` };
    chosen.push(option.id);
  }
  if (chosen.length > 0) fields.set(step.key, chosen);
  if (others.length > 0) fields.set(otherFieldName(question), [others.join(', ')]);
  return { ok: true, fields };
}

/** How to answer, for the page that shows the question. */
export function answerHint(step: Step): string {
  const hint = howToAnswer(step);
  return isRequired(step) ? hint : `${hint} A dash (${NO_ANSWER}) alone takes an answer back.`;
}

function howToAnswer(step: Step): string {
  if (step.type === 'consent') return 'Answer 1 for yes, 2 for no.';
  if (step.type === 'line') return `Type it, up to ${step.maxLength} characters.`;
  const { question } = step;
  if (question.kind === 'text') return `Type your answer, up to ${question.maxLength} characters.`;
  if (question.kind === 'names') return question.max === 1 ? 'Type one name.' : `Type up to ${question.max} names, separated by commas.`;
  const numbers = question.multiple ? 'the numbers of the options you pick, separated by commas (like 1,3)' : 'the number of the option you pick';
  const others = othersOf(step) ? `, then any others by name (like ${question.multiple ? '1,3, ' : ''}Another one)` : '';
  return `Answer with ${numbers}${others}.`;
}

/** The status-10 prompt: the question, kept short, how to answer, and the room left for the answer. */
export function promptFor(step: Step, roomBytes: number, problem: string | null = null): string {
  const title = readerLine(stepTitle(step), PROMPT_TITLE_LENGTH) + (isRequired(step) ? ' (required)' : '');
  const how = shortHint(step);
  const prompt = `${title}${how ? ` [${how}]` : ''} (room: ${roomBytes} bytes)`;
  return problem === null ? prompt : `${problem} ${prompt}`;
}

function shortHint(step: Step): string {
  if (step.type === 'consent') return '1 yes, 2 no';
  if (step.type === 'line') return '';
  const { question } = step;
  if (question.kind === 'text') return '';
  if (question.kind === 'names') return question.max === 1 ? 'a name' : 'names, comma-separated';
  const others = othersOf(step) ? ', other names after them' : '';
  const options = question.options.map((option, i) => `${i + 1} ${readerLine(option.label, 60)}`).join(', ');
  return `${options.length <= PROMPT_OPTIONS_LENGTH ? `${options}; ` : ''}${question.multiple ? 'numbers like 1,3' : 'one number'}${others}`;
}
