// Whether each survey takes replies. Its file's `open` is where it starts; the author opens and
// closes it in the admin, without a restart, and that choice is a row of survey_state. Every
// check reads the database (a primary-key lookup, shared by the requests asking at the same
// moment: single-flight.ts) and nothing is cached, so all instances, web and Gemini, agree from
// the next request.
// While the database is away, the last state this instance read stands in (else the file's):
// the reader's form still shows, as it promises during an outage, and nothing can be stored
// until the database is back, when the state is read afresh.
import { poolOf, type Db } from '../db/client.ts';
import { SingleFlight } from '../db/single-flight.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { Survey } from './schema.ts';

export class SurveyStates {
  private readonly lastRead = new Map<string, boolean>();
  private readonly reads = new SingleFlight<{ survey_slug: string; open: boolean }[]>();

  constructor(private readonly db: Db) {}

  /** Whether each survey takes replies now, by slug. */
  async openness(surveys: Iterable<Survey>): Promise<Map<string, boolean>> {
    const list = [...surveys];
    try {
      // Read for every form shown and sent, so through node-postgres (see poolOf).
      const slugs = list.map((s) => s.slug);
      const rows = await this.reads.run(slugs.join('\u0000'), async () => {
        const read = await poolOf(this.db).query<{ survey_slug: string; open: boolean }>(
          'SELECT survey_slug, open FROM survey_state WHERE survey_slug = ANY($1::text[])',
          [slugs],
        );
        return read.rows;
      });
      const set = new Map(rows.map((row) => [row.survey_slug, row.open]));
      for (const survey of list) this.lastRead.set(survey.slug, set.get(survey.slug) ?? survey.open);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
    }
    return new Map(list.map((survey) => [survey.slug, this.lastRead.get(survey.slug) ?? survey.open]));
  }

  async isOpen(survey: Survey): Promise<boolean> {
    return (await this.openness([survey])).get(survey.slug)!;
  }

  /** The author opens or closes a survey, for every instance. */
  async set(survey: Survey, open: boolean): Promise<void> {
    await this.db.surveyState.upsert({
      where: { surveySlug: survey.slug },
      create: { surveySlug: survey.slug, open },
      update: { open, changedAt: new Date() },
    });
    this.lastRead.set(survey.slug, open);
  }
}
