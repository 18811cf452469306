import mongoose from 'mongoose';

mongoose.set('strictQuery', 'throw');
// sanitizeFilter stays off on purpose: it wraps our own operators ($in, $gt…) in $eq unless each is
// marked mongoose.trusted(), and a forgotten one fails as a cast error. Injection is stopped at the
// edge instead: form bodies go through formValues()/zod (strings only), the query parser is 'simple'
// (strings and string arrays), and no JSON body parser is mounted on form routes.
mongoose.set('sanitizeFilter', false);

export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) return mongoose;
  await mongoose.connect(uri, { serverSelectionTimeoutMS: 5000, autoIndex: true, monitorCommands: true });
  // Indexes exist before the first request (unique ones guard correctness, not just speed).
  await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
  return mongoose;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
