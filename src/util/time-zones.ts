// The time zones a form offers and accepts: the IANA zones Intl knows, plus UTC. One list for
// every time-zone select (the profile, a meeting), grouped by region (the part of the id before the
// first "/"), with the organization's default zone first in a group of its own.
export const timeZoneRegions = [
  'Africa',
  'America',
  'Antarctica',
  'Arctic',
  'Asia',
  'Atlantic',
  'Australia',
  'Europe',
  'Indian',
  'Pacific',
  'Other',
] as const;
export type TimeZoneRegion = (typeof timeZoneRegions)[number];

const zones = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
const known = new Set(zones);

export const isTimeZone = (v: unknown): v is string => typeof v === 'string' && known.has(v);

/** The region a zone is listed under ("Other" for UTC and any id outside the usual regions). */
export function regionOf(zone: string): TimeZoneRegion {
  const head = zone.split('/')[0]!;
  return zone.includes('/') && (timeZoneRegions as readonly string[]).includes(head) ? (head as TimeZoneRegion) : 'Other';
}

/** The IANA id as a reader reads it: "America/Port_of_Spain" is "America/Port of Spain". */
export const zoneLabel = (zone: string): string => zone.replaceAll('_', ' ');

export type ZoneOption = { value: string; label: string };
/** `region` names the group: 'default' (the organization's zone) or a region, translated by the view. */
export type ZoneGroup = { region: 'default' | TimeZoneRegion; options: ZoneOption[] };

const built = new Map<string, ZoneGroup[]>();

/** The select's groups: the organization's default zone first, then every other zone by region. */
export function timeZoneGroups(defaultZone: string): ZoneGroup[] {
  let groups = built.get(defaultZone);
  if (!groups) {
    const byRegion = new Map<TimeZoneRegion, ZoneOption[]>(timeZoneRegions.map((r) => [r, []]));
    for (const z of zones) if (z !== defaultZone) byRegion.get(regionOf(z))!.push({ value: z, label: zoneLabel(z) });
    groups = [
      ...(isTimeZone(defaultZone)
        ? [{ region: 'default' as const, options: [{ value: defaultZone, label: zoneLabel(defaultZone) }] }]
        : []),
      ...[...byRegion].filter(([, options]) => options.length).map(([region, options]) => ({ region, options })),
    ];
    built.set(defaultZone, groups);
  }
  return groups;
}
