import mongoose from 'mongoose';
import { connectDatabase } from '../../src/db/connection.js';
import { resetDirectories } from '../../src/db/directory.js';

export async function connectTestDatabase(): Promise<void> {
  await connectDatabase(process.env.MONGODB_URI!);
}

/** Empties every collection (indexes stay), so each test starts from nothing. */
export async function clearDatabase(): Promise<void> {
  await connectTestDatabase();
  const collections = await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(collections.map((c) => mongoose.connection.db!.collection(c.name).deleteMany({})));
  // Emptied behind the models' backs: the in-memory directories must forget what they held.
  resetDirectories();
}

/** Collections no request's outcome is judged by: sessions and the app's bookkeeping. */
const bookkeeping = new Set(['sessions', 'change_log', 'claims', 'loginfailures']);

/**
 * The collections a request could change, as one string to compare before and after it: each one's
 * document count, or (`contents`) every document in _id order.
 */
export async function databaseSnapshot(what: 'counts' | 'contents'): Promise<string> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !bookkeeping.has(n))
    .sort();
  const parts = await Promise.all(
    names.map(async (n) =>
      what === 'counts'
        ? `${n}:${await db.collection(n).countDocuments({})}`
        : `${n}:${JSON.stringify(await db.collection(n).find({}).sort({ _id: 1 }).toArray())}`,
    ),
  );
  return parts.join(what === 'counts' ? ' ' : '\n');
}
