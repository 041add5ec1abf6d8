// One answer given at a status-10 prompt: the prompt itself when no answer came yet, the
// prompt again with the problem when the answer is refused, else the fields with it.
import type { FormFields } from '../forms/body.ts';
import type { Survey } from '../surveys/schema.ts';
import { promptFor, readStepInput } from './answer-input.ts';
import { MAX_URL_BYTES } from './request.ts';
import { input, notFound, type GeminiResponse } from './response.ts';
import type { GeminiRequest } from './server.ts';
import { answerStep, stepsOf, type Step } from './steps.ts';

export type Taken = { ok: true; step: Step; fields: FormFields } | { ok: false; response: GeminiResponse };

export function takeAnswer(request: GeminiRequest, survey: Survey, fields: FormFields, stepKey: string): Taken {
  const step = stepsOf(survey, fields).steps.find((s) => s.key === stepKey);
  if (!step) return { ok: false, response: notFound('This survey asks no such question of you') };
  // The client sends this URL, `?` and the answer: what is left of 1024 bytes is the answer's.
  const room = MAX_URL_BYTES - Buffer.byteLength(request.base) - 1;
  const ask = (problem: string | null = null): Taken => ({ ok: false, response: input(promptFor(step, room, problem)) });
  if (request.input === null) return ask();
  const read = readStepInput(step, request.input);
  if (!read.ok) return ask(read.message);
  const answered = answerStep(survey, fields, step, read.fields);
  if (answered.error !== null) return ask(answered.error);
  return { ok: true, step, fields: answered.fields };
}
