// The pages anyone may read (and crawlers may follow): the surveys, a survey's page, its tally,
// robots.txt; and the replies a client certificate has sent. None of them writes.
import { GemtextDocument } from '../gemtext/document.ts';
import { tallyPage } from '../tally/gemtext.ts';
import { statusText } from '../surveys/describe.ts';
import { surveysAnsweredByGeminiClient } from '../replies/service.ts';
import { findSurvey, surveysWithState } from '../surveys/registry.ts';
import { clientOf, type Handler } from './context.ts';
import { page, plainText } from './response.ts';
import { surveySteps } from './steps.ts';

/** Answering pages are one reader's: no crawler needs them (and none of them writes on a plain request). */
const ROBOTS = 'User-agent: *\nDisallow: /a/\nDisallow: /r/\n';

const CERTIFICATE_LINK = ['/a/', 'Your replies (found by your client certificate)'] as const;

// / - the open surveys, and the closed ones' tallies
export const home: Handler = async ({ deps }) => {
  const doc = new GemtextDocument().heading(1, 'Questions waiting for your answers').blank();
  const surveys = await surveysWithState(deps.surveys, deps.states);
  const open = surveys.filter((s) => s.open).map((s) => s.survey);
  const closed = surveys.filter((s) => !s.open).map((s) => s.survey);
  if (open.length === 0) doc.text('No survey is open right now.');
  for (const survey of open) doc.link(`/s/${survey.slug}`, `${survey.title} (${survey.published})`);
  if (closed.length > 0) doc.blank().heading(2, 'Closed: what readers answered');
  for (const survey of closed) doc.link(`/s/${survey.slug}/tally.gmi`, `${survey.title} (${survey.published})`);
  return page(doc.blank().link(...CERTIFICATE_LINK));
};

// /robots.txt
export const robots: Handler = () => Promise.resolve(plainText(ROBOTS));

// /s/<slug> - the survey's introduction, where answering starts, and its tally
export const surveyPage: Handler = async ({ params, deps }) => {
  const survey = findSurvey(deps.surveys, params.slug!);
  const doc = new GemtextDocument().heading(1, survey.title).blank();
  doc.text(`Questions from ${survey.author === undefined ? '' : `${survey.author}, in `}the post of ${survey.published}.`);
  if (survey.post !== undefined) doc.link(survey.post, 'The post');
  if (survey.mirror !== undefined) doc.link(survey.mirror, 'The post on the web');
  doc.blank();
  for (const paragraph of survey.intro.split(/\n\s*\n/)) doc.text(paragraph);
  if (await deps.states.isOpen(survey)) {
    const [first] = surveySteps(survey, []);
    doc.blank().link(`/a/new/${survey.slug}/q/${first!.key}`, 'Start answering, one question at a time');
    doc.blank().text('You will see all your answers before sending. Then you get a private link to see, change or delete your reply.');
    doc.text('If your client sends a certificate (an identity) when you send, it finds your reply again too:');
    doc.link(...CERTIFICATE_LINK);
  } else {
    doc.blank().text('This survey is closed and takes no more replies.');
  }
  return Promise.resolve(page(doc.blank().link(`/s/${survey.slug}/tally.gmi`, 'What readers answered so far')));
};

// /s/<slug>/tally.gmi - the tally, the same document as over HTTP
export const tally: Handler = async ({ params, deps }) => page(tallyPage(await deps.tallies.tallyOf(findSurvey(deps.surveys, params.slug!))));

// /a/ - the replies sent with this client certificate (asks for one: the root of the answering
// pages, so that clients use it for all of them)
export const yourReplies: Handler = async (context) => {
  const client = await clientOf(context, 'Choose a client certificate (an identity) to find the replies you sent with it');
  const answered = await surveysAnsweredByGeminiClient(context.deps.db, client);
  const doc = new GemtextDocument().heading(1, 'Your replies').blank();
  if (answered.length === 0) doc.text('No reply was sent with this client certificate yet.');
  for (const { surveySlug, status } of answered) {
    const title = context.deps.surveys.get(surveySlug)?.title ?? surveySlug;
    doc.link(`/a/mine/${surveySlug}`, `${title}: ${statusText[status]}`);
  }
  return page(doc.blank().link('/', 'Surveys'));
};
