import { expect } from 'chai';
import { expectedProgress, kpiProgress, kpiStatus, kpiTrend } from '../../src/agreements/kpis.js';

describe('KPI progress and status', () => {
  it('measures progress from baseline to target for an increase, past the target too', () => {
    const kpi = { baseline: 10, target: 30, direction: 'increase' as const };
    expect(kpiProgress(kpi, 10)).to.equal(0);
    expect(kpiProgress(kpi, 20)).to.equal(0.5);
    expect(kpiProgress(kpi, 40)).to.equal(1.5);
    expect(kpiProgress(kpi, 5)).to.equal(-0.25);
  });

  it('measures progress downward for a decrease', () => {
    const kpi = { baseline: 100, target: 60, direction: 'decrease' as const };
    expect(kpiProgress(kpi, 80)).to.equal(0.5);
    expect(kpiProgress(kpi, 50)).to.equal(1.25);
    expect(kpiProgress(kpi, 110)).to.equal(-0.25);
  });

  it('treats a baseline equal to the target as reached only at or beyond it', () => {
    const kpi = { baseline: 50, target: 50, direction: 'increase' as const };
    expect(kpiProgress(kpi, 50)).to.equal(1);
    expect(kpiProgress(kpi, 49)).to.equal(0);
  });

  it('keeps a maintained value on track within the tolerance and lets it fall beyond', () => {
    const kpi = { baseline: 90, target: 90, direction: 'maintain' as const };
    expect(kpiProgress(kpi, 92, 0.05)).to.equal(1);
    expect(kpiProgress(kpi, 60, 0.05)).to.be.lessThan(0.8);
  });

  it('judges against the elapsed share of the period, with thresholds', () => {
    const start = new Date('2026-01-01');
    const end = new Date('2027-01-01');
    const mid = new Date('2026-07-02');
    const expected = expectedProgress(start, end, mid);
    expect(expected).to.be.closeTo(0.5, 0.01);
    expect(kpiStatus(0.5, expected)).to.equal('on_track');
    expect(kpiStatus(0.35, expected)).to.equal('at_risk');
    expect(kpiStatus(0.1, expected)).to.equal('off_track');
    expect(kpiStatus(null, expected)).to.equal('no_data');
    expect(kpiStatus(0.35, expected, { onTrack: 0.5, atRisk: 0.2, maintainTolerance: 0.05 })).to.equal('on_track');
  });

  it('tells the trend of the last two values', () => {
    expect(kpiTrend([1])).to.equal('none');
    expect(kpiTrend([1, 2])).to.equal('up');
    expect(kpiTrend([2, 1])).to.equal('down');
    expect(kpiTrend([100, 100.5])).to.equal('flat');
  });
});
