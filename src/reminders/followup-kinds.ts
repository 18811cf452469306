// The follow-up kinds, both driven by the one list of checks due (progress/schedule.ts checksDue):
// when a check comes due, a request (signed link) to the partners' contacts who may be emailed, and
// a note to the owner saying who was asked and who could not be, and why; a week after the due
// date, a reminder to the owner that the check is overdue.
import { checksDue } from '../progress/schedule.js';
import type { Locale } from '../users/roles.js';
import { followUpContacts, type ContactRefusal } from './consent.js';
import type { MessageInput } from './enqueue.js';
import { FollowUpRequestModel } from './followup-response.model.js';
import { dateIn, DAY, day, registerKind, toUser, url, usersById } from './kinds.js';
import { expIn, linkUrl, signLink } from './links.js';
import { partnersWithContacts } from '../partners/contacts.js';
import { intlLocale } from '../util/formats.js';

export const FOLLOWUP_LINK_DAYS = 30;
export const CHECK_GRACE_DAYS = 7;

export const followUpRequestId = (agreementId: string, due: Date, contactId: string): string => `${agreementId}.${day(due)}.${contactId}`;

const listIn = (locale: Locale, items: string[]): string =>
  new Intl.ListFormat(intlLocale(locale), { style: 'long', type: 'conjunction' }).format(items);

// Progress-check / KPI follow-up requests → the partners' contacts (signed link) and the owner. -----
registerKind({
  kind: 'followup_request',
  schedule: 'tick',
  async findDue(now) {
    const rows = await checksDue({ until: now });
    const partners = rows.length ? await partnersWithContacts(rows.flatMap((a) => a.partnerIds)) : [];
    const byId = new Map(partners.map((p) => [String(p._id), p]));
    const users = await usersById(rows.map((a) => a.ownerId));
    const out: MessageInput[] = [];
    for (const a of rows) {
      const due = a.nextCheckDue;
      const occurrence = day(due);
      const owner = users.get(String(a.ownerId));
      const asked: string[] = [];
      const notAsked: { who: string; reason: ContactRefusal }[] = [];
      for (const pid of a.partnerIds) {
        const p = byId.get(String(pid));
        if (!p || p.archived) continue;
        const chosen = followUpContacts(p.contacts);
        for (const { contact, reason } of chosen.notAsked) notAsked.push({ who: `${contact.name} (${p.name})`, reason });
        for (const c of chosen.ask) {
          asked.push(`${c.name} (${p.name})`);
          const requestId = followUpRequestId(String(a._id), due, String(c._id));
          const locale = c.locale ?? 'fr';
          out.push({
            kind: 'followup_request',
            subjectId: String(a._id),
            occurrence,
            to: { email: c.email, name: c.name, locale, partnerId: p._id, contactId: c._id },
            data: { title: a.title, partner: p.name, owner: owner?.name ?? '', due: dateIn(locale, due) },
            async prepare() {
              const expiresAt = new Date(now.getTime() + FOLLOWUP_LINK_DAYS * DAY);
              await FollowUpRequestModel.updateOne(
                { _id: requestId },
                {
                  $setOnInsert: {
                    agreementId: a._id,
                    partnerId: p._id,
                    contactId: c._id,
                    dueAt: due,
                    expiresAt,
                    kpiIds: a.kpis.map((k) => k._id),
                    createdAt: now,
                  },
                },
                { upsert: true },
              ).catch((err: { code?: number }) => {
                if (err.code !== 11000) throw err;
              });
              const token = signLink({ purpose: 'followup', contactId: String(c._id), requestId, exp: expIn(expiresAt, 0) });
              return { link: linkUrl('/p/followup', token), expires: dateIn(locale, expiresAt) };
            },
          });
        }
      }
      if (owner)
        out.push({
          kind: 'followup_owner',
          subjectId: String(a._id),
          occurrence,
          to: toUser(owner),
          data: {
            title: a.title,
            asked: asked.length ? listIn(owner.locale, asked) : '',
            notAsked,
            due: dateIn(owner.locale, due),
            link: url(`/agreements/${String(a._id)}/progress/new`),
          },
        });
    }
    return out;
  },
});

// Overdue progress checks → owner, a week after the due date, once per due date. ------------------
registerKind({
  kind: 'check_overdue',
  schedule: 'tick',
  async findDue(now) {
    const rows = await checksDue({ until: new Date(now.getTime() - CHECK_GRACE_DAYS * DAY) });
    const users = await usersById(rows.map((a) => a.ownerId));
    return rows.flatMap((a) => {
      const u = users.get(String(a.ownerId));
      if (!u) return [];
      return [
        {
          kind: 'check_overdue',
          subjectId: String(a._id),
          occurrence: day(a.nextCheckDue),
          to: toUser(u),
          data: { title: a.title, due: dateIn(u.locale, a.nextCheckDue), link: url(`/agreements/${String(a._id)}`) },
        },
      ];
    });
  },
});
