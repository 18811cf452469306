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
