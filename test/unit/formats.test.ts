import { expect } from 'chai';
import { DateTime } from 'luxon';
import { clockIn, dateFormat, dayIn, formatDate, numberFormat } from '../../src/util/formats.js';
import { i18n } from '../../src/i18n/index.js';

describe('kept Intl formatters (src/util/formats.ts)', () => {
  it('gives the day and the 24-hour clock time in the zone, across midnight and a change of offset', () => {
    const toronto = 'America/Toronto';
    expect([dayIn(toronto, new Date('2026-11-23T04:30:00Z')), clockIn(toronto, new Date('2026-11-23T04:30:00Z'))]).to.deep.equal([
      '2026-11-22',
      '23:30',
    ]);
    expect([dayIn(toronto, new Date('2026-11-23T05:00:00Z')), clockIn(toronto, new Date('2026-11-23T05:00:00Z'))]).to.deep.equal([
      '2026-11-23',
      '00:00',
    ]);
    // 2026-03-08 02:00 EST became 03:00 EDT.
    expect(clockIn(toronto, new Date('2026-03-08T06:59:00Z'))).to.equal('01:59');
    expect(clockIn(toronto, new Date('2026-03-08T07:00:00Z'))).to.equal('03:00');
    expect(dayIn('Asia/Tokyo', new Date('2026-11-23T15:00:00Z'))).to.equal('2026-11-24');
  });

  it("formats dates as luxon's medium styles did, in both languages, and keeps one formatter per options", () => {
    const d = new Date('2026-07-01T16:05:00Z');
    for (const locale of ['en-CA', 'fr-CA']) {
      const luxon = DateTime.fromJSDate(d).setZone('America/Vancouver').setLocale(locale);
      expect(dateFormat(locale, { ...DateTime.DATE_MED, timeZone: 'America/Vancouver' }).format(d)).to.equal(
        luxon.toLocaleString(DateTime.DATE_MED),
      );
      // luxon puts a narrow no-break space before a.m./p.m.; Intl's format() a plain one.
      expect(dateFormat(locale, { ...DateTime.DATETIME_MED, timeZone: 'America/Vancouver' }).format(d)).to.equal(
        luxon.toLocaleString(DateTime.DATETIME_MED).replace(/\u202f/g, ' '),
      );
    }
    expect(dateFormat('fr-CA', { dateStyle: 'long' })).to.equal(dateFormat('fr-CA', { dateStyle: 'long' }));
    expect(numberFormat('fr-CA', { style: 'currency', currency: 'CAD' }).format(1234.5)).to.equal('1\u00a0234,50\u00a0$');
    expect(numberFormat('en-CA', { maximumFractionDigits: 1 }).format(1234.56)).to.equal('1,234.6');
  });

  it('writes the first of the month as French does (1er déc.), and no other day, nor in English', () => {
    const first = new Date('2026-12-01T15:00:00Z');
    const zone = 'America/Toronto';
    expect(formatDate('fr-CA', { ...DateTime.DATE_MED, timeZone: zone }, first)).to.equal('1er déc. 2026');
    expect(formatDate('fr-CA', { dateStyle: 'long', timeZone: zone }, first)).to.equal('1er décembre 2026');
    expect(formatDate('fr-CA', { weekday: 'long', day: 'numeric', month: 'long', timeZone: zone }, first)).to.equal('mardi 1er décembre');
    expect(formatDate('fr-CA', { ...DateTime.DATETIME_MED, timeZone: zone }, first)).to.equal('1er déc. 2026, 10 h 00');
    expect(formatDate('fr-CA', { dateStyle: 'long', timeZone: zone }, new Date('2026-12-11T15:00:00Z'))).to.equal('11 décembre 2026');
    expect(formatDate('fr-CA', { dateStyle: 'long', timeZone: zone }, new Date('2026-12-21T15:00:00Z'))).to.equal('21 décembre 2026');
    // A numeric month has no ordinal: 2026-12-01 stays as it is.
    expect(formatDate('fr-CA', { dateStyle: 'short', timeZone: zone }, first)).to.equal('2026-12-01');
    expect(formatDate('en-CA', { dateStyle: 'long', timeZone: zone }, first)).to.equal('December 1, 2026');
  });

  it("formats the catalogs' datetime placeholders the same way", () => {
    const due = new Date('2026-12-01T15:00:00Z');
    const t = i18n.getFixedT('fr', 'meetings');
    expect(t('agenda.taskLine', { title: 'Appel', due, formatParams: { due: { timeZone: 'America/Toronto' } } })).to.equal(
      '- Appel (1er déc. 2026)',
    );
  });
});
