import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readReplyForm } from '../../src/replies/read-form.ts';
import { surveyOf } from '../helpers/surveys.ts';

const survey = surveyOf([
  {
    id: 'pets',
    kind: 'choice',
    label: 'Which pets?',
    multiple: true,
    required: true,
    options: [
      { id: 'cat', label: 'Cat' },
      { id: 'dog', label: 'Dog' },
    ],
  },
  { id: 'name', kind: 'names', label: 'Their names?', each: 'pets', required: true, catalog: 'pet-name', max: 2 },
]);
const fields = (pairs: [string, string][]) => {
  const map = new Map<string, string[]>();
  for (const [k, v] of pairs) map.set(k, [...(map.get(k) ?? []), v]);
  return map;
};

describe('reading a reply form', () => {
  test('a required question asked per option is required only for the options picked', () => {
    const result = readReplyForm(
      survey,
      fields([
        ['pets', 'cat'],
        ['name.cat', 'Mog'],
      ]),
    );
    assert.equal(result.ok, true, JSON.stringify(result));
    const missing = readReplyForm(
      survey,
      fields([
        ['pets', 'cat'],
        ['pets', 'dog'],
        ['name.cat', 'Mog'],
      ]),
    );
    assert.deepEqual(missing, { ok: false, errors: { 'name.dog': 'Please answer this question.' } });
  });

  test('a listed option typed under "other" counts as picking it, once', () => {
    const withOther = surveyOf([
      {
        id: 'm',
        kind: 'choice',
        label: 'Which?',
        multiple: true,
        options: [{ id: 'deltachat', label: 'Delta Chat' }],
        other: { label: 'Others', catalog: 'messenger' },
      },
      { id: 'c', kind: 'names', label: 'Clients?', each: 'm', catalog: 'client' },
    ]);
    const result = readReplyForm(
      withOther,
      fields([
        ['m', 'deltachat'],
        ['m.other', 'delta-chat, DELTACHAT, Signal'],
        ['c.deltachat', 'ArcaneChat'],
      ]),
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(
      result.reply.answers.map((a) => [a.questionId, a.value, a.isOther]),
      [
        ['m', 'deltachat', false],
        ['m', 'Signal', true],
        ['c', 'ArcaneChat', false],
      ],
    );
    const typedOnly = readReplyForm(
      withOther,
      fields([
        ['m.other', 'Delta Chat'],
        ['c.deltachat', 'ArcaneChat'],
      ]),
    );
    assert.ok(typedOnly.ok, 'typing the option is as good as ticking it, for its own questions too');
  });

  test('names typed twice in other spellings are kept once, in the order typed', () => {
    const result = readReplyForm(
      survey,
      fields([
        ['pets', 'cat'],
        ['name.cat', 'Mog'],
        ['name.cat', ' MOG '],
      ]),
    );
    assert.ok(result.ok);
    assert.deepEqual(
      result.reply.answers.map((a) => [a.questionId, a.scope, a.position, a.value, a.nameKey]),
      [
        ['pets', '', 0, 'cat', null],
        ['name', 'cat', 0, 'Mog', 'mog'],
      ],
    );
  });
});
