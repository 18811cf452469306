// The portfolio map: the filter's partners placed by type (rows) and region (columns), each place a
// circle sized by its partners, joined by the running agreements that bring partners of two places
// together and by the resources partners of two places both offer (the same description, accents
// and case aside). Drawn as SVG for the regions with the most partners; the table lists every place
// and every link. Each place's count opens the list of its partners (figures.ts, `map`).
import { endedStatuses } from '../agreements/constants.js';
import { partnerTypes } from '../partners/constants.js';
import { foldText } from '../util/text.js';
import { figures } from './figures.js';
import { mapKey } from './map-key.js';
import type { Portfolio } from './portfolio.js';

/** Regions drawn (the most partners first); the others are in the table only. */
export const MAP_REGIONS = 8;
const LINKS_DRAWN = 60;
const COL = 96;
const ROW = 72;
const LEFT = 190;
const TOP = 56;

interface Place {
  key: string;
  type: string;
  region: string;
  partners: number;
  /** Running agreements joining partners within this place. */
  inner: number;
  pos?: { x: number; y: number; r: number };
}
interface Link {
  a: string;
  b: string;
  agreements: number;
  resources: number;
}

function pairs<T>(list: T[]): [T, T][] {
  return list.flatMap((x, i) => list.slice(i + 1).map((y): [T, T] => [x, y]));
}

export function portfolioMap(p: Portfolio) {
  const count = figures(p, 'map');
  const places = new Map<string, Place>();
  const placeOf = new Map<string, string>();
  for (const x of p.partnerList) {
    const key = mapKey(x.type, x.region);
    placeOf.set(String(x._id), key);
    if (!places.has(key)) places.set(key, { key, type: x.type, region: x.region ?? '', partners: count(key), inner: 0 });
  }
  const links = new Map<string, Link>();
  const linkOf = (k1: string, k2: string) => {
    const [a, b] = [k1, k2].sort() as [string, string];
    const id = `${a}|${b}`;
    if (!links.has(id)) links.set(id, { a, b, agreements: 0, resources: 0 });
    return links.get(id)!;
  };
  for (const ag of p.agreements) {
    if (endedStatuses.includes(ag.status) || ag.partnerIds.length < 2) continue;
    const keys = [...new Set(ag.partnerIds.map((id) => placeOf.get(String(id))).filter((k): k is string => Boolean(k)))];
    if (keys.length === 1 && ag.partnerIds.filter((id) => placeOf.has(String(id))).length > 1) places.get(keys[0]!)!.inner += 1;
    for (const [a, b] of pairs(keys)) linkOf(a, b).agreements += 1;
  }
  const offeredBy = new Map<string, Set<string>>();
  for (const x of p.partnerList)
    for (const r of x.resources ?? []) {
      const what = foldText(r.description);
      if (what) offeredBy.set(what, (offeredBy.get(what) ?? new Set()).add(placeOf.get(String(x._id))!));
    }
  for (const keys of offeredBy.values()) for (const [a, b] of pairs([...keys])) linkOf(a, b).resources += 1;

  // The picture: the types present, in their usual order; the regions with the most partners.
  const all = [...places.values()].sort((x, y) => y.partners - x.partners || x.region.localeCompare(y.region));
  const perRegion = new Map<string, number>();
  for (const pl of all) perRegion.set(pl.region, (perRegion.get(pl.region) ?? 0) + pl.partners);
  const columns = [...perRegion]
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .slice(0, MAP_REGIONS)
    .map(([r]) => r);
  const rows = partnerTypes.filter((t) => all.some((pl) => pl.type === t && columns.includes(pl.region)));
  const largest = Math.max(1, ...all.map((pl) => pl.partners));
  for (const pl of all) {
    const col = columns.indexOf(pl.region);
    const row = rows.indexOf(pl.type as (typeof partnerTypes)[number]);
    if (col >= 0 && row >= 0)
      pl.pos = { x: LEFT + col * COL + COL / 2, y: TOP + row * ROW + ROW / 2, r: Math.round(5 + 25 * Math.sqrt(pl.partners / largest)) };
  }
  const linkList = [...links.values()].sort((x, y) => y.agreements + y.resources - (x.agreements + x.resources));
  const heaviest = Math.max(1, ...linkList.map((l) => Math.max(l.agreements, l.resources)));
  const drawn = linkList
    .filter((l) => places.get(l.a)!.pos && places.get(l.b)!.pos)
    .slice(0, LINKS_DRAWN)
    .flatMap((l) => {
      const [from, to] = [places.get(l.a)!.pos!, places.get(l.b)!.pos!];
      // A curve bowed to one side, so links between places of one row or column do not hide each other.
      const [mx, my] = [(from.x + to.x) / 2, (from.y + to.y) / 2];
      const [dx, dy] = [to.x - from.x, to.y - from.y];
      const path = (bow: number) => `M${from.x} ${from.y} Q${Math.round(mx - dy * bow)} ${Math.round(my + dx * bow)} ${to.x} ${to.y}`;
      return [
        ...(l.agreements ? [{ kind: 'agreements', d: path(0.18), width: 1 + (4 * l.agreements) / heaviest }] : []),
        ...(l.resources ? [{ kind: 'resources', d: path(-0.18), width: 1 + (4 * l.resources) / heaviest }] : []),
      ];
    });
  return {
    places: all,
    links: linkList.map((l) => ({ ...l, a: places.get(l.a)!, b: places.get(l.b)! })),
    picture: {
      columns,
      rows,
      drawn,
      width: LEFT + Math.max(1, columns.length) * COL + 8,
      height: TOP + Math.max(1, rows.length) * ROW + 8,
      col: COL,
      row: ROW,
      left: LEFT,
      top: TOP,
    },
    regionsLeftOut: Math.max(0, perRegion.size - columns.length),
  };
}
