// A real app on the real test database, and a signed-in agent for HTTP tests.
import type { Express } from 'express';
import supertest from 'supertest';
import type { Types } from 'mongoose';
import { connectTestDatabase } from './db.js';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { UserModel } from '../../src/users/model.js';
import { SettingModel } from '../../src/settings/model.js';
import type { Role } from '../../src/users/roles.js';

export type Agent = ReturnType<typeof supertest.agent>;

export async function makeApp(): Promise<Express> {
  await connectTestDatabase();
  return createApp();
}

export const PASSWORD = 'correct-horse-battery';
let counter = 0;

export interface TestUser {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: Role;
}

/** A user straight in the database (and setup marked done), ready to sign in. */
export async function createUser(
  opts: Partial<{ role: Role; email: string; name: string; locale: 'fr' | 'en'; status: 'active' | 'invited' | 'deactivated' }> = {},
): Promise<TestUser> {
  counter += 1;
  await SettingModel.updateOne({ key: 'setup.completed' }, { $setOnInsert: { value: new Date() } }, { upsert: true });
  const role = opts.role ?? 'professional';
  const user = await UserModel.create({
    name: opts.name ?? `Test ${role} ${counter}`,
    email: opts.email ?? `user${counter}.${Date.now()}@example.org`,
    role,
    status: opts.status ?? 'active',
    locale: opts.locale ?? 'en',
    passwordHash: await hashPassword(PASSWORD),
  });
  return { _id: user._id, email: user.email, name: user.name, role };
}

/** The CSRF token of the agent's session, read from a page's form. */
export async function csrfFrom(agent: Agent, path = '/login'): Promise<string> {
  const res = await agent.get(path);
  const m = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!m?.[1]) throw new Error(`no CSRF token on ${path} (status ${res.status})`);
  return m[1];
}

export async function signIn(app: Express, user: { email: string }, password = PASSWORD): Promise<Agent> {
  const agent = supertest.agent(app);
  const _csrf = await csrfFrom(agent, '/login');
  const res = await agent.post('/login').type('form').send({ email: user.email, password, _csrf });
  if (res.status !== 302) throw new Error(`sign-in failed for ${user.email}: ${res.status}`);
  return agent;
}

/** Posts a form with the session's CSRF token taken from `from` (a page with a form). */
export async function postForm(
  agent: Agent,
  url: string,
  fields: Record<string, string | string[]>,
  from = '/',
): Promise<supertest.Response> {
  const _csrf = await csrfFrom(agent, from);
  return agent
    .post(url)
    .type('form')
    .send({ ...fields, _csrf });
}
