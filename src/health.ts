import mongoose from 'mongoose';

export type SchedulerState = 'off' | 'running' | 'paused' | 'stopped';
let schedulerState: SchedulerState = 'off';

export const setSchedulerState = (s: SchedulerState): void => {
  schedulerState = s;
};

/** `warming` while the server loads its in-memory read model at start (a load balancer waits for `ready`). */
export type ReadModelState = 'warming' | 'ready';
let readModelState: ReadModelState = 'ready';
export const setReadModelState = (s: ReadModelState): void => {
  readModelState = s;
};

export async function healthReport() {
  let database: 'up' | 'down' = 'down';
  try {
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.db!.admin().ping({ maxTimeMS: 2000 });
      database = 'up';
    }
  } catch {
    database = 'down';
  }
  return {
    status: database === 'down' ? 'degraded' : readModelState === 'warming' ? 'warming' : 'ok',
    database,
    readModel: readModelState,
    scheduler: schedulerState,
    uptimeSeconds: Math.round(process.uptime()),
  };
}
