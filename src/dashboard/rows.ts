// The rows behind a dashboard figure (the click-through page and its CSV): the records of
// figures.ts's selection for that block and key, so their number is the figure shown.
import { fundingOf, currencyOf, rowsOf, type RowBlock } from './figures.js';
import { widestGap } from './health-rows.js';
import { ageInDays } from '../blockers/constants.js';
import type { AgreementRow, DashboardFilter } from './portfolio.js';
import { loadPortfolio } from './portfolio.js';
import { userNames } from '../users/people.js';

export interface RowTable {
  columns: string[]; // i18n keys under dashboard:columns
  // Dates stay dates: the page writes them in the reader's language and zone, the CSV as ISO days.
  rows: { cells: (string | number | Date)[]; href: string | null }[];
}

const iso = (d: Date | null | undefined): Date | '' => d ?? '';
const agreementHref = (a: { _id: unknown }) => `/agreements/${String(a._id)}`;

/** The rows behind one figure of a block under the dashboard filter: the figure is their number. */
export async function blockRows(block: RowBlock, key: string | undefined, filter: DashboardFilter, now?: Date): Promise<RowTable> {
  const p = await loadPortfolio(filter, now);
  const owner = (id: unknown) => p.owners.get(String(id))?.name ?? '';
  const partnerNames = (a: AgreementRow) => a.partnerIds.map((id) => p.partners.get(String(id))?.name ?? '').join(', ');
  const byId = new Map(p.agreements.map((a) => [String(a._id), a]));
  const agreements = (list: readonly AgreementRow[]): RowTable => ({
    columns: ['agreement', 'partners', 'owner', 'status', 'endDate'],
    rows: list.map((a) => ({ cells: [a.title, partnerNames(a), owner(a.ownerId), a.status, iso(a.endDate)], href: agreementHref(a) })),
  });
  switch (block) {
    case 'stage':
    case 'map': {
      const list = rowsOf(p, block, key);
      const names = await userNames(list.map((x) => x.ownerId));
      return {
        columns: ['partner', 'type', 'stage', 'region', 'owner'],
        rows: list.map((x) => ({
          cells: [x.name, x.type, x.stage, x.region, names.get(String(x.ownerId)) ?? ''],
          href: `/partners/${String(x._id)}`,
        })),
      };
    }
    case 'movement': {
      // One row per change (a partner moving twice counts twice); a deleted partner's change stays, nameless.
      const list = rowsOf(p, 'movement', key);
      const names = await userNames(list.map((c) => p.partners.get(String(c.partnerId))?.ownerId));
      return {
        columns: ['partner', 'fromStage', 'toStage', 'changedAt', 'owner'],
        rows: list.map((c) => {
          const x = p.partners.get(String(c.partnerId));
          return {
            cells: [x?.name ?? '—', c.from ?? '', c.to, iso(c.at), names.get(String(x?.ownerId)) ?? ''],
            href: x ? `/partners/${String(c.partnerId)}` : null,
          };
        }),
      };
    }
    case 'status':
    case 'ending':
    case 'diversity':
    case 'mastery':
    case 'unsigned':
      return agreements(rowsOf(p, block, key));
    case 'checks':
      return {
        columns: ['agreement', 'owner', 'checkDue'],
        rows: rowsOf(p, 'checks', key).map((a) => ({
          cells: [a.title, owner(a.ownerId), iso(a.followUp.nextCheckDue)],
          href: agreementHref(a),
        })),
      };
    case 'kpis':
      return {
        columns: ['agreement', 'kpi', 'latestValue', 'target', 'kpiStatus'],
        rows: rowsOf(p, 'kpis', key).map((r) => ({
          cells: [r.agreement.title, r.kpi.name, r.kpi.latestValue ?? '', r.kpi.target, r.kpi.status],
          href: agreementHref(r.agreement),
        })),
      };
    case 'tasks':
      return {
        columns: ['task', 'dueDate', 'taskStatus'],
        rows: rowsOf(p, 'tasks', key).map((t) => ({
          cells: [t.title, iso(t.dueDate), t.status],
          href: t.partnerId ? `/partners/${String(t.partnerId)}` : '/tasks',
        })),
      };
    case 'meetings':
      return {
        columns: ['meeting', 'start', 'kind'],
        rows: rowsOf(p, 'meetings', key).map((m) => ({
          cells: [m.title, m.start, m.kind],
          href: `/meetings/${String(m._id)}`,
        })),
      };
    case 'health':
      return {
        columns: ['agreement', 'owner', 'healthScore', 'checkDate'],
        rows: rowsOf(p, 'health', key).map((r) => ({
          cells: [r.agreement.title, owner(r.agreement.ownerId), r.check.healthScore, iso(r.check.periodEnd)],
          href: agreementHref(r.agreement),
        })),
      };
    case 'sides':
      return {
        columns: ['agreement', 'owner', 'ourScore', 'partnerScore', 'widestGap', 'flagged'],
        rows: rowsOf(p, 'sides', key).map((r) => ({
          cells: [
            r.agreement.title,
            owner(r.agreement.ownerId),
            r.comparison.team.score,
            r.comparison.partner.score ?? '',
            widestGap(r.comparison),
            r.comparison.flagged.join(' '),
          ],
          href: agreementHref(r.agreement),
        })),
      };
    case 'blockers':
      return {
        columns: ['agreement', 'owner', 'blocker', 'hurts', 'unblockBy', 'raisedAt', 'openDays'],
        rows: rowsOf(p, 'blockers', key).map((b) => {
          const a = byId.get(String(b.agreementId));
          return {
            cells: [a?.title ?? '', owner(a?.ownerId), b.what, b.hurtsLabel, b.unblockBy, b.raisedAt, ageInDays(b, p.now)],
            href: `${agreementHref({ _id: b.agreementId })}#blockers`,
          };
        }),
      };
    case 'funding':
      return {
        columns: ['agreement', 'currency', 'committed', 'received', 'due'],
        rows: rowsOf(p, 'funding', key).map((a) => {
          const f = fundingOf(a, p.now);
          return { cells: [a.title, currencyOf(a), f.committed, f.received, f.due], href: agreementHref(a) };
        }),
      };
  }
}
