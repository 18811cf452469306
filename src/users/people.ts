// What other features ask about users: names, addresses and who is active. Each answer is one query
// (a lookup by _id, an `$in` over ids, or the short list of active users), the shape each page had.
import type { Types } from 'mongoose';
import { UserModel } from './model.js';

type Id = Types.ObjectId | string;

/** The active users, by name (at most 500): the owner and attendee pickers. */
export const activeUserNames = () => UserModel.find({ status: 'active' }, { name: 1 }).sort({ name: 1 }).limit(500).lean();

/** One user's name, whatever their status; undefined when there is no such user. */
export async function userName(id: Id): Promise<string | undefined> {
  return (await UserModel.findById(id, { name: 1 }).lean())?.name;
}

/** Names of users by id, whatever their status, in one query (none for an empty list). */
export async function userNames(ids: readonly unknown[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))];
  if (!unique.length) return new Map();
  const users = await UserModel.find({ _id: { $in: unique } }, { name: 1 }).lean();
  return new Map(users.map((u) => [String(u._id), u.name]));
}

/** The same names as a plain object (for views). */
export const userNameRecord = async (ids: readonly unknown[]): Promise<Record<string, string>> => Object.fromEntries(await userNames(ids));

/** Every user's address by id (the CSV exports' owner column). */
export async function userEmails(): Promise<Map<string, string>> {
  const users = await UserModel.find({}, { email: 1 }).lean();
  return new Map(users.map((u) => [String(u._id), u.email]));
}

/** The ids of the active users with these (lower-case) addresses, by address. */
export async function activeUserIdsByEmail(emails: string[]): Promise<Map<string, Types.ObjectId>> {
  const users = emails.length ? await UserModel.find({ email: { $in: emails }, status: 'active' }, { email: 1 }).lean() : [];
  return new Map(users.map((u) => [u.email.toLowerCase(), u._id]));
}

/** The user's id when the user exists and is active, else null. */
export const activeUserId = async (id: Id): Promise<Types.ObjectId | null> =>
  (await UserModel.findOne({ _id: id, status: 'active' }, { _id: 1 }).lean())?._id ?? null;

/** How many of these users are active. */
export const countActiveUsers = (ids: Types.ObjectId[]): Promise<number> =>
  UserModel.countDocuments({ _id: { $in: ids }, status: 'active' });

/** Whether a user by this id exists (any status): the route's 404 before its form. */
export const userExists = (id: Types.ObjectId) => UserModel.exists({ _id: id });

/** Name and address of users (any status), for a meeting's attendee list. */
export const usersWithEmail = (ids: Types.ObjectId[]) => UserModel.find({ _id: { $in: ids } }, { name: 1, email: 1 }).lean();

/** A meeting organizer's name and address (any status), or null. */
export const organizer = (id: Id) => UserModel.findById(id, { name: 1, email: 1 }).lean();

/** An active user's name, or null (a calendar feed stops with its owner's account). */
export const activeUserName = (id: Id) => UserModel.findOne({ _id: id, status: 'active' }, { name: 1 }).lean();

/** An active user as a mail recipient, or null. */
export const activeRecipient = (id: Id) => UserModel.findOne({ _id: id, status: 'active' }, { name: 1, email: 1, locale: 1 }).lean();

/** Active users as mail recipients, with their role, in one query. */
export const activeRecipients = (ids: Types.ObjectId[]) =>
  UserModel.find({ _id: { $in: ids }, status: 'active' }, { name: 1, email: 1, locale: 1, role: 1 }).lean();

/** The active managers and administrators as mail recipients (the weekly digest). */
export const activeManagers = () =>
  UserModel.find({ role: { $in: ['manager', 'admin'] }, status: 'active' }, { name: 1, email: 1, locale: 1, role: 1 }).lean();

/** Active attendees with what a meeting reminder needs (zone, how long before). */
export const activeAttendees = (ids: Types.ObjectId[]) =>
  UserModel.find({ _id: { $in: ids }, status: 'active' }, { name: 1, email: 1, locale: 1, timezone: 1, meetingReminderHours: 1 }).lean();

/** Names and roles of the given users and of every active professional (the dashboard's mastery lists everyone). */
export const ownersAndProfessionals = (ids: Types.ObjectId[], batchSize: number) =>
  UserModel.find({ $or: [{ _id: { $in: ids } }, { status: 'active', role: 'professional' }] }, { name: 1, role: 1 })
    .batchSize(batchSize)
    .lean();
