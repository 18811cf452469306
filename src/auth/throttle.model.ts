import { Schema, model } from 'mongoose';

// One document per failed sign-in and key ("account:<email>" or "ip:<address>"), kept in the database
// so a restart does not reset them. Inserts, not $inc: FerretDB loses concurrent increments.
const failureSchema = new Schema({
  key: { type: String, required: true },
  at: { type: Date, required: true },
});
failureSchema.index({ key: 1, at: -1 });
failureSchema.index({ at: 1 });

export const LoginFailureModel = model('LoginFailure', failureSchema);

// Other rate limits (password reset requests per client address): one document per event, kept until
// `expiresAt`, counted over a sliding window. Same reason as above for inserts.
const rateEventSchema = new Schema({
  key: { type: String, required: true },
  at: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
rateEventSchema.index({ key: 1, at: -1 });
rateEventSchema.index({ expiresAt: 1 });

export const RateEventModel = model('RateEvent', rateEventSchema);
