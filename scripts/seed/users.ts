// Demo staff to own the seeded partners. They are created "invited" (no password): nobody can sign in
// with them; an administrator may invite them for real from Administration → Users.
import type { Types } from 'mongoose';
import { UserModel } from '../../src/users/model.js';

const demoStaff = [
  { name: 'Geneviève Lapointe', email: 'genevieve.lapointe@demo.passerelle.local', role: 'manager', locale: 'fr' },
  { name: 'Mathieu Côté', email: 'mathieu.cote@demo.passerelle.local', role: 'professional', locale: 'fr' },
  { name: 'Sarah Thompson', email: 'sarah.thompson@demo.passerelle.local', role: 'professional', locale: 'en' },
  { name: 'Karim Benali', email: 'karim.benali@demo.passerelle.local', role: 'professional', locale: 'fr' },
] as const;

export async function seedUsers(): Promise<{ _id: Types.ObjectId; name: string }[]> {
  for (const u of demoStaff) {
    await UserModel.updateOne({ email: u.email }, { $setOnInsert: { ...u, status: 'invited' } }, { upsert: true });
  }
  return UserModel.find({ status: { $in: ['active', 'invited'] } }, { name: 1 })
    .sort({ createdAt: 1 })
    .limit(50)
    .lean();
}
