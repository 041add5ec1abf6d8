import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerHint, promptFor, readStepInput } from '../../src/gemini/answer-input.ts';
import { answerStep, stepsOf, type Step } from '../../src/gemini/steps.ts';
import { surveyOf } from '../helpers/surveys.ts';

const survey = surveyOf([
  {
    id: 'pets',
    kind: 'choice',
    label: 'Which pets do you keep?',
    multiple: true,
    required: true,
    options: [
      { id: 'cat', label: 'Cat' },
      { id: 'dog', label: 'Dog' },
    ],
    other: { label: 'Others', max: 2, catalog: 'pet' },
  },
  { id: 'why', kind: 'text', label: 'Why?', maxLength: 50 },
  { id: 'names', kind: 'names', label: 'Their names?', each: 'pets', catalog: 'pet-name', max: 2 },
  {
    id: 'size',
    kind: 'choice',
    label: 'How big?',
    each: 'pets',
    options: [
      { id: 'small', label: 'Small' },
      { id: 'large', label: 'Large' },
    ],
  },
]);

const keysFor = (fields: Record<string, string[]>) => stepsOf(survey, new Map(Object.entries(fields))).steps.map((s) => s.key);
const step = (key: string, fields: Record<string, string[]> = { pets: ['cat', 'dog'] }): Step =>
  stepsOf(survey, new Map(Object.entries(fields))).steps.find((s) => s.key === key)!;
const typed = (key: string, input: string) => {
  const read = readStepInput(step(key), input);
  return read.ok ? Object.fromEntries(read.fields) : read.message;
};

describe('the steps of a survey over Gemini', () => {
  test('ask the per-option questions only for the options picked, grouped per option, then the fixed fields', () => {
    assert.deepEqual(keysFor({}), ['pets', 'why', 'display_name', 'contact', 'consent_quote']);
    assert.deepEqual(keysFor({ pets: ['dog'] }), ['pets', 'why', 'names.dog', 'size.dog', 'display_name', 'contact', 'consent_quote']);
    assert.deepEqual(keysFor({ pets: ['cat'], 'pets.other': ['dog'] }).slice(2, 6), ['names.cat', 'size.cat', 'names.dog', 'size.dog']);
  });

  test('drop the answers to questions whose option is no longer picked', () => {
    const before = new Map(Object.entries({ pets: ['cat', 'dog'], 'names.cat': ['Tom'], 'names.dog': ['Rex'] }));
    const after = answerStep(survey, before, step('pets'), new Map([['pets', ['dog']]]));
    assert.equal(after.error, null);
    assert.deepEqual(Object.fromEntries(after.fields), { pets: ['dog'], 'names.dog': ['Rex'] });
  });

  test("report the form's own message for the step's answer only", () => {
    const empty = answerStep(survey, new Map(), step('why', {}), new Map([['why', ['x'.repeat(51)]]]));
    assert.match(empty.error ?? '', /^Please shorten this to 50 characters/);
    const required = answerStep(survey, new Map(), step('pets', {}), new Map());
    assert.equal(required.error, 'Please answer this question.');
  });
});

describe('what a reader types at a prompt', () => {
  test('choices by option number, other names after them', () => {
    assert.deepEqual(typed('pets', '1,2'), { pets: ['cat', 'dog'] });
    assert.deepEqual(typed('pets', ' 2 ; Parrot, Axolotl '), { pets: ['dog'], 'pets.other': ['Parrot, Axolotl'] });
    assert.equal(typed('pets', '3'), 'There is no option 3: the options are 1 to 2.');
    assert.equal(typed('size.cat', 'Small'), 'Please answer with option numbers, from 1 to 2.', 'no other names here');
    assert.deepEqual(typed('size.cat', '2'), { 'size.cat': ['large'] });
  });

  test('names separated by commas; text and lines as they are; consent as 1 or 2', () => {
    assert.deepEqual(typed('names.cat', 'Tom, , Felix'), { 'names.cat': ['Tom', 'Felix'] });
    assert.deepEqual(typed('why', 'Because, 1, 2'), { why: ['Because, 1, 2'] });
    assert.deepEqual(typed('consent_quote', 'yes'), { consent_quote: ['yes'] });
    assert.deepEqual(typed('consent_quote', '2'), {});
    assert.equal(typed('consent_quote', 'perhaps'), 'Please answer 1 (yes) or 2 (no).');
  });

  test('nothing typed, or a dash alone, is no answer, for every kind', () => {
    for (const key of ['pets', 'why', 'names.cat', 'size.cat', 'display_name', 'consent_quote']) {
      assert.deepEqual(typed(key, '  '), {}, key);
      assert.deepEqual(typed(key, ' - '), {}, key);
    }
    assert.deepEqual(typed('why', '- yes'), { why: ['- yes'] });
  });
});

describe('the prompt', () => {
  test('holds the question, its numbered options, how to answer and the room left', () => {
    assert.equal(promptFor(step('pets'), 950), 'Which pets do you keep? (required) [1 Cat, 2 Dog; numbers like 1,3, other names after them] (room: 950 bytes)');
    assert.equal(promptFor(step('size.cat'), 900), 'How big? (Cat) [1 Small, 2 Large; one number] (room: 900 bytes)');
    assert.equal(promptFor(step('why'), 10, 'Please shorten this.'), 'Please shorten this. Why? (room: 10 bytes)');
  });

  test('the question’s page says how many names to type, in words that fit one', () => {
    assert.equal(answerHint(step('names.cat')), 'Type up to 2 names, separated by commas. A dash (-) alone takes an answer back.');
    const one = { ...step('names.cat'), question: { ...survey.questions[2]!, max: 1 } } as Step;
    assert.match(answerHint(one), /^Type one name\./);
  });

  test('leaves out a list of options too long for a prompt: the question’s page numbers them', () => {
    const many = {
      ...step('size.cat'),
      question: { ...survey.questions[3]!, options: Array.from({ length: 30 }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` })) },
    } as Step;
    assert.equal(promptFor(many, 900), 'How big? (Cat) [one number] (room: 900 bytes)');
  });

  test('keeps a long question short: the page before it has it in full', () => {
    const long = { ...step('why'), question: { ...survey.questions[1]!, label: 'Why '.repeat(100) } } as Step;
    const prompt = promptFor(long, 900);
    assert.ok(prompt.length < 200, prompt);
    assert.match(prompt, /…/);
  });
});
