// The schema's migrations, in order. A new one goes at the end with the next number; its name is the
// schema version once applied (the newest applied name is the database's version).
import type { Migration } from './types.js';
import { interactionDay } from './0001-interaction-day.js';
import { partnerFoldedFields } from './0002-partner-folded-fields.js';
import { modelIndexes } from './0003-indexes.js';

export const migrations: readonly Migration[] = [interactionDay, partnerFoldedFields, modelIndexes];
