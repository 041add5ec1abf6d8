// With several surveys, the queue shows each one's replies on its own, with how many each has in
// the status shown; the filter survives searching, paging and deciding.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { signedIn } from '../../helpers/admin.ts';
import { fixturesDir, useTestApp } from '../../helpers/app.ts';
import { storeReply } from '../../helpers/replies.ts';

const t = useTestApp(path.join(fixturesDir, 'surveys'));

const editors = (value: string) => ({ survey: 'text-editors', answers: [{ questionId: 'editor', value }] });
const older = (value: string) => ({ survey: 'closed-post', answers: [{ questionId: 'answer', value }] });
/** The survey filter's choices: their value, text, and whether chosen. */
const surveyChoices = (html: string) =>
  [...(/<select id="survey" name="survey">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '').matchAll(/<option value="([^"]*)"( selected)?>([^<]+)<\/option>/g)].map(
    ([, value, selected, text]) => ({
      value: value!,
      selected: selected !== undefined,
      text: text!,
    }),
  );

describe('the queue, per survey', () => {
  test('lists each survey with its count in the status shown, and filters to one', async () => {
    await storeReply(t.db, editors('vim'));
    await storeReply(t.db, editors('emacs'));
    await storeReply(t.db, { ...older('Late, but here.') });
    await storeReply(t.db, { ...older('Approved long ago.'), status: 'approved' });
    const { agent } = await signedIn(t.app, t.db);

    const all = await agent.get('/admin/replies').expect(200);
    assert.deepEqual(
      surveyChoices(all.text).map(({ text, selected }) => [text, selected]),
      [
        ['All surveys (3)', true],
        ['Which editor writes your capsule? (2)', false],
        ['An older question (1)', false],
      ],
    );
    assert.equal(surveyChoices(all.text)[1]!.value, 'text-editors');
    const one = await agent.get('/admin/replies?status=pending&survey=text-editors').expect(200);
    assert.match(one.text, /<h1>Pending replies to “Which editor writes your capsule\?”<\/h1>/);
    assert.equal((one.text.match(/<article class="reply/g) ?? []).length, 2);
    assert.doesNotMatch(one.text, /Late, but here\./);
    assert.ok(surveyChoices(one.text)[1]!.selected, 'a search keeps the filter');
    assert.match(one.text, /<input type="hidden" name="back" value="\/admin\/replies\?[^"]*survey=text-editors/, 'so does deciding');

    const approved = await agent.get('/admin/replies?status=approved').expect(200);
    assert.deepEqual(
      surveyChoices(approved.text).map((c) => c.text),
      ['All surveys (1)', 'Which editor writes your capsule? (0)', 'An older question (1)'],
    );
  });

  test('a search within one survey finds only its replies', async () => {
    await storeReply(t.db, { survey: 'text-editors', answers: [{ questionId: 'tip', value: 'Write offline.' }] });
    await storeReply(t.db, older('Write offline, always.'));
    const { agent } = await signedIn(t.app, t.db);
    const res = await agent.get('/admin/replies?survey=closed-post&q=offline').expect(200);
    assert.equal((res.text.match(/<article class="reply/g) ?? []).length, 1);
    assert.match(res.text, /Write offline, always\./);
    const none = await agent.get('/admin/replies?survey=no-such-survey').expect(200);
    assert.match(none.text, /No pending replies to “no-such-survey”\./);
  });

  test('the next page keeps the filter', async () => {
    await t.db.reply.createMany({
      data: Array.from({ length: 26 }, (_, i) => ({ surveySlug: i % 2 === 0 ? 'text-editors' : 'closed-post', secretHash: `page-${i}` })),
    });
    const { agent } = await signedIn(t.app, t.db);
    const first = await agent.get('/admin/replies?survey=text-editors').expect(200);
    assert.doesNotMatch(first.text, /Next page/, '13 replies of this survey fit on one page');
    const all = await agent.get('/admin/replies').expect(200);
    assert.match(all.text, /<a href="\/admin\/replies\?status=pending&amp;order=newest&amp;after=[^"]+">Next page<\/a>/);
    await t.db.reply.createMany({ data: Array.from({ length: 20 }, (_, i) => ({ surveySlug: 'text-editors', secretHash: `more-${i}` })) });
    const again = await agent.get('/admin/replies?survey=text-editors').expect(200);
    const next = /<a href="([^"]+)">Next page<\/a>/.exec(again.text)![1]!.replaceAll('&amp;', '&');
    assert.match(next, /survey=text-editors/);
    const second = await agent.get(next).expect(200);
    assert.equal((second.text.match(/<article class="reply/g) ?? []).length, 33 - 25);
  });
});
