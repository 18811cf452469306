import { expect } from 'chai';
import ICAL from 'ical.js';
import { Types } from 'mongoose';
import { addSeries, addSingle, newCalendar } from '../../src/meetings/ics.js';
import { blockText, escapeText, lineText, mailAddress, paramText, webAddress, zoneName } from '../../src/meetings/ics-text.js';
import type { MeetingDoc, MeetingSeriesDoc } from '../../src/meetings/model.js';
import { MAX_OCCURRENCES, occurrences, rruleText, type RecurrenceSpec } from '../../src/meetings/recurrence.js';
import { nextCheckDue } from '../../src/progress/schedule.js';
import { healthBand } from '../../src/progress/model.js';
import { dimensionSummary, healthScore, sparklinePoints } from '../../src/progress/service.js';

const zone = 'America/Toronto';
const keys = (spec: RecurrenceSpec) => occurrences(spec).map((o) => o.key);
const localHour = (d: Date) => Number(new Intl.DateTimeFormat('en-CA', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(d));

describe('Meeting recurrence', () => {
  it('weekly, when ended by a count, then gives that many occurrences a week apart', () => {
    expect(keys({ cadence: 'weekly', startDate: '2026-01-05', startTime: '09:00', zone, count: 3 })).to.deep.equal([
      '2026-01-05T09:00',
      '2026-01-12T09:00',
      '2026-01-19T09:00',
    ]);
  });

  it('biweekly, when ended by a date, then stops on or before that date (inclusive)', () => {
    expect(keys({ cadence: 'biweekly', startDate: '2026-01-06', startTime: '14:30', zone, untilDate: '2026-02-17' })).to.deep.equal([
      '2026-01-06T14:30',
      '2026-01-20T14:30',
      '2026-02-03T14:30',
      '2026-02-17T14:30',
    ]);
  });

  it('monthly by date, when started on the 31st, then falls on the last day of shorter months', () => {
    expect(keys({ cadence: 'monthly', monthlyMode: 'date', startDate: '2026-01-31', startTime: '10:00', zone, count: 5 })).to.deep.equal([
      '2026-01-31T10:00',
      '2026-02-28T10:00',
      '2026-03-31T10:00',
      '2026-04-30T10:00',
      '2026-05-31T10:00',
    ]);
  });

  it('monthly by weekday, when started on the second Tuesday, then keeps the second Tuesday', () => {
    expect(keys({ cadence: 'monthly', monthlyMode: 'weekday', startDate: '2026-01-13', startTime: '09:00', zone, count: 3 })).to.deep.equal(
      ['2026-01-13T09:00', '2026-02-10T09:00', '2026-03-10T09:00'],
    );
    expect(
      rruleText({ cadence: 'monthly', monthlyMode: 'weekday', startDate: '2026-01-13', startTime: '09:00', zone, count: 3 }),
    ).to.contain('BYDAY=+2TU');
  });

  it('weekly across the March and November DST changes in Toronto, then stays at 09:00 local (UTC offset moves)', () => {
    const occ = occurrences({ cadence: 'weekly', startDate: '2026-03-02', startTime: '09:00', zone, untilDate: '2026-11-09' });
    const march = occ.filter((o) => o.key.startsWith('2026-03'));
    expect(march[0]!.start.toISOString()).to.equal('2026-03-02T14:00:00.000Z'); // EST
    expect(march[1]!.start.toISOString()).to.equal('2026-03-09T13:00:00.000Z'); // EDT after 8 March
    const nov = occ.filter((o) => o.key.startsWith('2026-11'));
    expect(nov.map((o) => o.start.toISOString())).to.deep.equal(['2026-11-02T14:00:00.000Z', '2026-11-09T14:00:00.000Z']);
    expect(occ.every((o) => localHour(o.start) === 9)).to.equal(true);
  });

  it('without an end, then stops at the cap', () => {
    expect(occurrences({ cadence: 'weekly', startDate: '2026-01-05', startTime: '09:00', zone }).length).to.be.at.most(MAX_OCCURRENCES);
    expect(occurrences({ cadence: 'weekly', startDate: '2026-01-05', startTime: '09:00', zone }).length).to.be.greaterThan(100);
  });
});

describe('Progress check next due date', () => {
  it('adds the follow-up frequency to the last check, in the zone (quarterly from 31 January → 30 April)', () => {
    expect(nextCheckDue('quarterly', new Date('2026-01-31T17:00:00Z'), zone).toISOString()).to.equal('2026-04-30T16:00:00.000Z'); // 12:00 EST → 12:00 EDT;
    expect(nextCheckDue('monthly', new Date('2026-01-15T17:00:00Z'), zone).toISOString()).to.equal('2026-02-15T17:00:00.000Z');
    expect(nextCheckDue('semiannual', new Date('2026-01-15T17:00:00Z'), zone).toISOString()).to.equal('2026-07-15T16:00:00.000Z');
    expect(nextCheckDue('annual', new Date('2026-01-15T17:00:00Z'), zone).toISOString()).to.equal('2027-01-15T17:00:00.000Z');
  });
});

// ---- .ics, checked by an independent parser (ical.js) ------------------------------------------

function seriesFixture(spec: Omit<RecurrenceSpec, 'zone'>, change: (occ: MeetingDoc[]) => void = () => {}) {
  const series = {
    _id: new Types.ObjectId(),
    monthlyMode: 'date',
    untilDate: null,
    count: null,
    durationMinutes: 60,
    sequence: 0,
    ...spec,
    zone,
  } as unknown as MeetingSeriesDoc;
  const occ = occurrences({ ...spec, zone }).map(
    (o) =>
      ({
        _id: new Types.ObjectId(),
        seriesId: series._id,
        title: 'Rencontre de planification',
        agenda: 'Ordre du jour',
        location: 'Salle 2',
        videoUrl: '',
        occurrenceKey: o.key,
        originalStart: o.start,
        start: o.start,
        end: new Date(o.start.getTime() + 3600_000),
        moved: false,
        cancelled: false,
        sequence: 0,
        zone,
      }) as unknown as MeetingDoc,
  );
  change(occ);
  return { series, occ };
}

function parse(text: string) {
  const comp = new ICAL.Component(ICAL.parse(text));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return comp;
}

describe('Meeting .ics output', () => {
  it('a biweekly series with one cancelled and one moved occurrence, when parsed, then summary, zone, rule, EXDATE and override round-trip', () => {
    const { series, occ } = seriesFixture({ cadence: 'biweekly', startDate: '2026-10-20', startTime: '09:00', count: 5 }, (o) => {
      o[1]!.cancelled = true;
      o[2]!.moved = true;
      o[2]!.sequence = 2;
      o[2]!.start = new Date(o[2]!.originalStart!.getTime() + 2 * 3600_000);
      o[2]!.end = new Date(o[2]!.start.getTime() + 3600_000);
    });
    const cal = newCalendar('Test', 'REQUEST');
    addSeries(cal, series, occ, 'https://example.org');
    const comp = parse(cal.toString());
    expect(comp.getFirstPropertyValue('method')).to.equal('REQUEST');
    const events = comp.getAllSubcomponents('vevent');
    expect(events).to.have.length(2);
    const master = new ICAL.Event(events.find((e) => !e.hasProperty('recurrence-id')));
    const override = events.find((e) => e.hasProperty('recurrence-id'))!;
    expect(master.uid).to.equal(`${String(series._id)}@passerelle`);
    expect(override.getFirstPropertyValue('uid')).to.equal(master.uid);
    expect(master.summary).to.equal('Rencontre de planification');
    expect(master.startDate.zone.tzid).to.equal(zone);
    expect(master.startDate.toJSDate().toISOString()).to.equal('2026-10-20T13:00:00.000Z');
    expect(master.sequence).to.equal(2);
    const rule = master.component.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.freq).to.equal('WEEKLY');
    expect(rule.interval).to.equal(2);
    expect(rule.count).to.equal(5);
    const exdate = master.component.getFirstPropertyValue('exdate') as ICAL.Time;
    expect(exdate.toJSDate().toISOString()).to.equal(occ[1]!.originalStart!.toISOString());
    master.relateException(override);
    // Expand with ical.js: 5 - 1 cancelled; the moved one at its new time; DST (1 Nov) respected.
    const it = master.iterator();
    const starts: string[] = [];
    for (let next = it.next(); next; next = it.next()) {
      const details = master.getOccurrenceDetails(next) as { startDate: ICAL.Time };
      starts.push(details.startDate.toJSDate().toISOString());
    }
    expect(starts).to.deep.equal([
      '2026-10-20T13:00:00.000Z',
      '2026-11-17T16:00:00.000Z', // moved from 09:00 to 11:00 local (EST)
      '2026-12-01T14:00:00.000Z',
      '2026-12-15T14:00:00.000Z',
    ]);
  });

  it('a series ended by a date, when parsed, then UNTIL is a UTC instant at the end of the last local day', () => {
    const { series, occ } = seriesFixture({ cadence: 'weekly', startDate: '2026-01-05', startTime: '09:00', untilDate: '2026-01-19' });
    (series as { untilDate: string }).untilDate = '2026-01-19';
    const cal = newCalendar('Test');
    addSeries(cal, series, occ, 'https://example.org');
    const master = new ICAL.Event(parse(cal.toString()).getFirstSubcomponent('vevent')!);
    const rule = master.component.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.until!.toJSDate().toISOString()).to.equal('2026-01-20T04:59:59.000Z');
    const it = master.iterator();
    let n = 0;
    while (it.next()) n += 1;
    expect(n).to.equal(3);
  });

  it('a single cancelled meeting with METHOD:CANCEL, when parsed, then keeps its UID and says CANCELLED', () => {
    const m = {
      _id: new Types.ObjectId(),
      seriesId: null,
      title: 'Exploration',
      agenda: '',
      location: '',
      videoUrl: 'https://meet.example.org/x',
      start: new Date('2026-07-01T13:00:00Z'),
      end: new Date('2026-07-01T14:00:00Z'),
      zone,
      sequence: 3,
      cancelled: true,
    } as unknown as MeetingDoc;
    const cal = newCalendar('Test', 'CANCEL');
    addSingle(cal, m, 'https://example.org');
    const comp = parse(cal.toString());
    expect(comp.getFirstPropertyValue('method')).to.equal('CANCEL');
    const ev = new ICAL.Event(comp.getFirstSubcomponent('vevent')!);
    expect(ev.uid).to.equal(`${String(m._id)}@passerelle`);
    expect(ev.sequence).to.equal(3);
    expect(ev.component.getFirstPropertyValue('status')).to.equal('CANCELLED');
    expect(ev.startDate.toJSDate().toISOString()).to.equal('2026-07-01T13:00:00.000Z');
    expect(ev.startDate.zone.tzid).to.equal(zone);
  });
});

describe('Text written into an .ics', () => {
  it('keeps one line where one is expected, escapes what RFC 5545 and RFC 6868 ask, and drops control characters', () => {
    expect(lineText('a\r\nb\nc\rd\u2028e\u0000f\u0007\u009b')).to.equal('a b c d ef');
    expect(blockText('a\r\nb\u000bc\td')).to.equal('a\nbc\td');
    expect(escapeText('Rencontre; budget, suivi \\ fin\r\nUID:x')).to.equal('Rencontre\\; budget\\, suivi \\\\ fin UID:x');
    expect(paramText('Olive "O" ^ Owner\r\n')).to.equal("Olive ^'O^' ^^ Owner");
    expect([mailAddress('lea@example.org'), mailAddress('a@b.c\r\nBcc: x@y.z'), mailAddress('"x"@y.z')]).to.deep.equal([
      'lea@example.org',
      null,
      null,
    ]);
    expect([
      webAddress('https://meet.example.org/x?y=1'),
      webAddress('https://x.org/\u0000'),
      webAddress('javascript:alert(1)'),
    ]).to.deep.equal(['https://meet.example.org/x?y=1', null, null]);
    expect([zoneName('America/Toronto'), zoneName('America/Toronto\r\nX:y'), zoneName(undefined)]).to.deep.equal([
      'America/Toronto',
      'UTC',
      'UTC',
    ]);
  });

  it('a calendar name with a line break and a whole event in it, when parsed, then stays the name of a calendar without events', () => {
    const cal = parse(newCalendar('Budget\r\nBEGIN:VEVENT\r\nUID:forged\r\nEND:VEVENT', 'REQUEST').toString());
    expect(cal.getAllSubcomponents('vevent')).to.have.length(0);
    expect(cal.getFirstPropertyValue('x-wr-calname')).to.equal('Budget BEGIN:VEVENT UID:forged END:VEVENT');
  });
});

describe('Partnership health score', () => {
  it('sums the five ratings and maps the total to its band at the boundaries', () => {
    expect(healthScore({ trust: 5, communication: 4, sharedGoals: 3, roles: 2, mutualBenefit: 1 })).to.equal(15);
    expect([5, 11, 12, 18, 19, 25].map(healthBand)).to.deep.equal([
      'needs_attention',
      'needs_attention',
      'developing',
      'developing',
      'strong',
      'strong',
    ]);
  });

  it('finds the weakest dimension over the last three checks and draws the sparkline from 5 (bottom) to 25 (top)', () => {
    const h = (roles: number) => ({ health: { trust: 4, communication: 4, sharedGoals: 4, roles, mutualBenefit: 3 } });
    const summary = dimensionSummary([h(5), h(1), h(2), h(2)])!;
    expect(summary.weakest).to.equal('roles');
    expect(summary.avg.roles).to.be.closeTo(5 / 3, 1e-9);
    expect(sparklinePoints([5, 25], 100, 40)).to.equal('0,40 100,0');
  });
});
