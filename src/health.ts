import mongoose from 'mongoose';

export type SchedulerState = 'off' | 'running' | 'paused' | 'stopped';
let schedulerState: SchedulerState = 'off';

export const setSchedulerState = (s: SchedulerState): void => {
  schedulerState = s;
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
    status: database === 'up' ? 'ok' : 'degraded',
    database,
    scheduler: schedulerState,
    uptimeSeconds: Math.round(process.uptime()),
  };
}
