// The partner's page: the record, its agreements, tasks, contacts, resources, documents and timeline,
// and the other records of the same organization with their owners.
import type { Request, Response } from 'express';
import { orNotFound, parseId } from '../http/ids.js';
import { agreementsForPartner } from '../agreements/service.js';
import { documentPanel } from '../documents/service.js';
import { overdueChecks } from '../progress/schedule.js';
import { allPartnerTasks, partnerTaskList } from '../tasks/service.js';
import { templateNames } from '../tasks/templates.js';
import { userNameRecord } from '../users/people.js';
import { activeUserOptions } from '../users/service.js';
import { partnerTypes, priorities, resourceCategories, stages } from './constants.js';
import { findDuplicates } from './duplicates.js';
import { canEditPartner, getPartner } from './service.js';
import { partnerTimeline } from './timeline.js';

/** The code lists the partner views translate. */
export const choices = { partnerTypes, stages, priorities, resourceCategories };

/** The partner's page; a refused exploration form shows it again with the user's draft (`extra`). */
export async function showPartner(
  req: Request,
  res: Response,
  extra: { status?: number; exploration?: unknown; rev?: number; explorationErrors?: Record<string, string> } = {},
) {
  const partner = orNotFound(await getPartner(parseId(req.params.id)));
  const tasksRead = allPartnerTasks(partner._id);
  const [allTasks, timeline, agreements, overdueAgreements, templates, users, documents, duplicates] = await Promise.all([
    tasksRead,
    tasksRead.then((tasks) => partnerTimeline(partner._id, 50, { tasks })),
    agreementsForPartner(partner._id),
    overdueChecks({ partnerId: partner._id }),
    templateNames(),
    activeUserOptions(),
    documentPanel(req.user!, 'partner', partner._id),
    findDuplicates(partner.name, partner.website ?? '', partner._id),
  ]);
  // Who works with this partner through its agreements (another professional may own one).
  const agreementOwners = await userNameRecord(agreements.map((a) => a.ownerId));
  // The owner is usually an active user, already read; a deactivated one costs one more query.
  const ownerName =
    users.find((u) => String(u._id) === String(partner.ownerId))?.name ??
    (await userNameRecord([partner.ownerId]))[String(partner.ownerId)] ??
    '';
  res.status(extra.status ?? 200).render('partners/show', {
    title: partner.name,
    partner: extra.exploration ? { ...partner, exploration: extra.exploration, rev: extra.rev ?? partner.rev } : partner,
    explorationErrors: extra.explorationErrors ?? {},
    timeline,
    ownerName,
    agreements,
    agreementOwners,
    overdueAgreements,
    tasks: partnerTaskList(allTasks),
    templates,
    users,
    taskOwners: Object.fromEntries(users.map((u) => [String(u._id), u.name])),
    canEdit: canEditPartner(req.user!, partner),
    documents,
    duplicates,
    scripts: ['/public/js/document-upload.js'],
    ...choices,
  });
}
