import mongoose from 'mongoose';
import { attachCommandCounter } from './command-counter.js';

mongoose.set('strictQuery', 'throw');
// sanitizeFilter stays off on purpose: it wraps our own operators ($in, $gt…) in $eq unless each is
// marked mongoose.trusted(), and a forgotten one fails as a cast error. Injection is stopped at the
// edge instead: form bodies go through formValues()/zod (strings only), the query parser is 'simple'
// (strings and string arrays), and no JSON body parser is mounted on form routes.
// Off by leaving it unset, not by `mongoose.set('sanitizeFilter', false)`: an explicit global false wins
// over a query's own `.setOptions({ sanitizeFilter: true })`, which then does nothing, silently.

export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) return mongoose;
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 5000, autoIndex: true, monitorCommands: true });
  attachCommandCounter(mongoose.connection.getClient());
  // Indexes exist before the first request (unique ones guard correctness, not just speed).
  await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
  return mongoose;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
