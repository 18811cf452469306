// A place on the portfolio map, as a click-through key: the partner type and a digest of the region
// (a region is free text; keys are short and plain, and the same region always gives the same key).
import { createHash } from 'node:crypto';

export const mapKey = (type: string, region: string | null | undefined): string =>
  `${type}_${createHash('sha1')
    .update(region ?? '')
    .digest('hex')
    .slice(0, 12)}`;
