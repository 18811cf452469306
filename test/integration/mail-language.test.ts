import { expect } from 'chai';
import ICAL from 'ical.js';
import { clearDatabase, connectTestDatabase } from '../helpers/db.js';
import { visibleText } from '../helpers/crawl.js';
import { dataRemover, langOf, languageProblems, storedStrings } from '../helpers/language-checks.js';
import { buildPortfolio } from '../helpers/portfolio.js';
import { getTestSmtp, type ReceivedMail } from '../helpers/smtp.js';
import { reminderTick, weeklyDigest } from '../../src/reminders/jobs.js';

// Every message the demo portfolio's reminders send over a year, in French and in English, read as
// the pages are: subject, HTML, text and any invitation's SUMMARY/DESCRIPTION, in the language the
// message declares.
const DAY = 86400_000;

function icsTexts(m: ReceivedMail): string[] {
  return m.attachments
    .filter((a) => a.contentType.startsWith('text/calendar'))
    .flatMap((a) =>
      new ICAL.Component(ICAL.parse(a.content.toString('utf8')) as unknown[])
        .getAllSubcomponents('vevent')
        .flatMap((e) => [String(e.getFirstPropertyValue('summary') ?? ''), String(e.getFirstPropertyValue('description') ?? '')]),
    );
}

describe('mail language: every reminder and invitation as its reader would read it', function () {
  this.timeout(180_000);
  let mails: ReceivedMail[];
  let withoutData: (text: string) => string;

  before(async () => {
    await connectTestDatabase();
    await clearDatabase();
    getTestSmtp().clear();
    await buildPortfolio();
    // The app's own words in the outbox are what is checked: only what people typed is taken out.
    withoutData = dataRemover(await storedStrings(/^(changes|changeheads|sessions|outboxmessages|devmails)$/));
    const now = Date.now();
    for (const days of [0, 3, 10, 40, 100, 200, 400]) await reminderTick(new Date(now + days * DAY));
    await weeklyDigest(new Date(now + 7 * DAY));
    mails = [...getTestSmtp().messages];
  });

  it('sends messages of many kinds in both languages (the check below reads something)', () => {
    expect(new Set(mails.map((m) => langOf(m.html)))).to.deep.equal(new Set(['en', 'fr']));
    expect(new Set(mails.map((m) => m.subject.replace(/[:\u202f].*$/, ''))).size).to.be.at.least(5);
  });

  it('has no code, foreign word, colon or number form of the other language in any message', () => {
    const problems = mails.flatMap((m) => {
      const lang = langOf(m.html);
      const parts = [m.subject, visibleText(m.html), m.text, ...icsTexts(m)];
      return parts.flatMap((p) => languageProblems(withoutData(p), lang)).map((p) => `${lang} "${m.subject}": ${p}`);
    });
    expect(problems).to.deep.equal([]);
  });
});
