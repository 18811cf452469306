// Steering dashboard: every block of the portfolio page, from one read of the portfolio
// (portfolio.ts). Each figure is the size of a list defined once in figures.ts, which the
// click-through pages and CSV exports (rows.ts) list.
import { agreementsBlock, attainment, diversity, figures, followUpHealth, funding, mastery, pipeline } from './figures.js';
import { partnershipHealth } from './health-block.js';
import { openBlockersBlock } from './blockers-block.js';
import { portfolioMap } from './map-block.js';
import { perChangeCache } from '../db/per-change-cache.js';
import { filterKey, loadPortfolio, SHARED_FOR_MS, type DashboardFilter, type Portfolio } from './portfolio.js';

export { periods, loadPortfolio, type DashboardFilter, type Portfolio } from './portfolio.js';
export {
  attainmentStatuses,
  endingWindows,
  establishedStatuses,
  figures,
  MASTERY_AGREEMENTS,
  MASTERY_TYPES,
  rowBlocks,
  rowsOf,
  type RowBlock,
} from './figures.js';
export { blockRows, type RowTable } from './rows.js';

function blocksOf(p: Portfolio) {
  return {
    portfolio: p,
    pipeline: pipeline(p),
    agreements: agreementsBlock(p),
    attainment: attainment(p),
    followUp: followUpHealth(p),
    health: partnershipHealth(p),
    blockers: openBlockersBlock(p),
    diversity: diversity(p),
    map: portfolioMap(p),
    mastery: mastery(p),
    funding: funding(p),
    fundingTotal: figures(p, 'funding')(),
  };
}
export type Dashboard = ReturnType<typeof blocksOf>;
const dashboards = perChangeCache<Dashboard>({ max: 100, maxAgeMs: SHARED_FOR_MS });

/** Every block for the filter: as of now, computed once per change of the data; at a given time, afresh. */
export async function dashboard(filter: DashboardFilter, now?: Date): Promise<Dashboard> {
  if (now) return blocksOf(await loadPortfolio(filter, now));
  return dashboards.get(filterKey(filter), async () => blocksOf(await loadPortfolio(filter)));
}
