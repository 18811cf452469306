// node-cron schedules: the daily expiry pass, the periodic clean-up, the recovery of interrupted
// imports and the reminder outbox's enqueue/deliver tick. node-cron keeps no state: each job
// works from what the database says is due, so a run after downtime catches up.
import cron, { type ScheduledTask } from 'node-cron';
import { config } from './config.js';
import { expireEndedAgreements } from './agreements/service.js';
import { setSchedulerState } from './health.js';
import { logger } from './logger.js';
import { purgeExpired } from './maintenance.js';
import { isDatabaseDown } from './http/error-handler.js';
import { reminderJobs } from './reminders/jobs.js';
import { runningHere } from './partners/import.js';
import { recoverInterruptedImports } from './partners/import-recovery.js';
import { scheduledBackup } from './backup/service.js';

export interface Job {
  name: string;
  expression: string;
  run: (now: Date) => Promise<unknown>;
  /** Also run once at start, to catch up on what came due while nothing ran. */
  catchUp?: boolean;
}

export const jobs = (): Job[] => [
  { name: 'daily-expiry', expression: config.scheduler.daily, run: (now) => expireEndedAgreements(now), catchUp: true },
  { name: 'maintenance', expression: config.scheduler.tick, run: (now) => purgeExpired(now) },
  // At start too: an import cut off by the previous run's end is rolled back before anyone looks.
  { name: 'import-recovery', expression: '*/5 * * * *', run: (now) => recoverInterruptedImports(runningHere, now), catchUp: true },
  ...reminderJobs(),
  ...(config.backup.cron ? [{ name: 'backup', expression: config.backup.cron, run: (now: Date) => scheduledBackup(now) }] : []),
];

/** Refuses to start with an invalid expression, naming the variable. */
export function validateSchedules(list: Job[] = jobs()): void {
  for (const j of list) if (!cron.validate(j.expression)) throw new Error(`Invalid cron expression for ${j.name}: "${j.expression}"`);
}

const running = new Set<Promise<void>>();

/** Runs a job once; a stop waits for the runs in progress (see startScheduler). */
export function runJob(job: Job, now = new Date()): Promise<void> {
  const run = runJobOnce(job, now).finally(() => running.delete(run));
  running.add(run);
  return run;
}

async function runJobOnce(job: Job, now: Date): Promise<void> {
  try {
    const result = await job.run(now);
    setSchedulerState('running');
    logger.debug({ job: job.name, result }, 'job done');
  } catch (err) {
    // The database being away pauses the scheduler; the next tick resumes by itself.
    setSchedulerState(isDatabaseDown(err) ? 'paused' : 'running');
    logger.warn({ err, job: job.name }, 'job failed; it will run again at its next time');
  }
}

/** Starts the schedules; the function it returns stops them and resolves when the runs in progress end. */
export function startScheduler(list: Job[] = jobs()): () => Promise<void> {
  validateSchedules(list);
  const tasks: ScheduledTask[] = list.map((j) =>
    cron.schedule(j.expression, () => runJob(j), { name: j.name, noOverlap: true, timezone: config.defaultTimezone }),
  );
  setSchedulerState('running');
  // Catch up at start on what came due while nothing ran.
  void Promise.all(list.filter((j) => j.catchUp).map((j) => runJob(j)));
  return async () => {
    for (const t of tasks) void t.stop();
    setSchedulerState('stopped');
    await Promise.allSettled([...running]);
  };
}
