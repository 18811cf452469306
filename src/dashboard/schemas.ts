// Dashboard query parameters: every value is checked against a closed list or an id pattern.
import { Types } from 'mongoose';
import { z } from 'zod';
import { agreementStatuses, kpiStatuses } from '../agreements/constants.js';
import { partnerTypes, stages } from '../partners/constants.js';
import { isManager, type Role } from '../users/roles.js';
import { endingWindows, periods, rowBlocks, type DashboardFilter, type RowParams } from './service.js';

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

export function rowParamsFrom(query: unknown): RowParams {
  const q = (query ?? {}) as Record<string, unknown>;
  const pick = <T extends readonly [string, ...string[]]>(values: T, k: string) => {
    const r = z.enum(values).safeParse(str(q, k));
    return r.success ? r.data : undefined;
  };
  const within = Number(str(q, 'within'));
  const user = str(q, 'user');
  const currency = str(q, 'currency').toUpperCase();
  return {
    stage: pick(stages, 'stage'),
    from: pick([...stages, 'none'] as const, 'from'),
    status: pick(agreementStatuses, 'status'),
    within: (endingWindows as readonly number[]).includes(within) ? within : undefined,
    kpiStatus: pick(kpiStatuses, 'kpiStatus'),
    type: pick(partnerTypes, 'type'),
    user: idPattern.test(user) ? user : undefined,
    currency: /^[A-Z]{3}$/.test(currency) ? currency : undefined,
  };
}
