// Dashboard query parameters: every value is checked against a closed list or an id pattern.
import { Types } from 'mongoose';
import { z } from 'zod';
import { partnerTypes } from '../partners/constants.js';
import { isManager, type Role } from '../users/roles.js';
import { periods, rowBlocks, type DashboardFilter } from './service.js';

const str = (q: Record<string, unknown>, k: string) => (typeof q[k] === 'string' ? q[k] : '');
const idPattern = /^[a-f0-9]{24}$/i;

export interface FilterChoice {
  filter: DashboardFilter;
  /** 'me', 'all' or a user id: what the owner selector shows. */
  owner: string;
}

/** The filter from the query string; a professional sees their own work unless they choose otherwise. */
export function filterFrom(query: unknown, user: { _id: Types.ObjectId; role: Role }): FilterChoice {
  const q = (query ?? {}) as Record<string, unknown>;
  let owner = str(q, 'owner') || (isManager(user.role) ? 'all' : 'me');
  if (owner !== 'me' && owner !== 'all' && !idPattern.test(owner)) owner = isManager(user.role) ? 'all' : 'me';
  const ownerId = owner === 'all' ? null : owner === 'me' ? user._id : new Types.ObjectId(owner);
  const type = z.enum(partnerTypes).safeParse(str(q, 'type'));
  const region = str(q, 'region').trim().slice(0, 120);
  const period = Number(str(q, 'period'));
  return {
    owner,
    filter: {
      ownerId,
      type: type.success ? type.data : null,
      region: region || null,
      period: (periods as readonly number[]).includes(period) ? (period as DashboardFilter['period']) : 90,
    },
  };
}

export const blockSchema = z.enum(rowBlocks);

/**
 * The key of the figure a click-through lists (a stage, a status, a type, a user id, a currency,
 * "from>to"...): undefined for the whole block, null when malformed (keys are only ever compared).
 */
export function rowKeyFrom(query: unknown): string | undefined | null {
  const key = str((query ?? {}) as Record<string, unknown>, 'key');
  if (!key) return undefined;
  return /^[A-Za-z0-9_>]{1,60}$/.test(key) ? key : null;
}
