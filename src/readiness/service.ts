import { recordAudit, type Actor } from '../audit/service.js';
import { ReadinessAssessmentModel } from './model.js';
import { readinessCriteria } from './constants.js';

export async function recordAssessment(actor: Actor, input: Record<string, string | number>, now = new Date()) {
  const scores = readinessCriteria.map((criterion) => ({
    criterion,
    score: Number(input[`${criterion}Score`]),
    comment: String(input[`${criterion}Comment`] ?? ''),
  }));
  const average = Math.round((scores.reduce((s, x) => s + x.score, 0) / scores.length) * 10) / 10;
  const row = await ReadinessAssessmentModel.create({ at: now, byId: actor._id, byName: actor.name, scores, average });
  await recordAudit({ actor, entity: 'readiness', entityId: row._id, action: 'create', note: String(average) });
  return row._id;
}

/** The latest assessment, the one before (for the trend per criterion), and the history. */
export async function readinessOverview(limit = 20) {
  const history = await ReadinessAssessmentModel.find({}).sort({ at: -1 }).limit(limit).lean();
  const [latest, previous] = history;
  const trend = (criterion: string): 'up' | 'down' | 'same' | null => {
    const a = latest?.scores.find((s) => s.criterion === criterion)?.score;
    const b = previous?.scores.find((s) => s.criterion === criterion)?.score;
    if (a === undefined || b === undefined) return null;
    return a > b ? 'up' : a < b ? 'down' : 'same';
  };
  const overall: 'up' | 'down' | 'same' | null =
    latest && previous ? (latest.average > previous.average ? 'up' : latest.average < previous.average ? 'down' : 'same') : null;
  return {
    latest: latest ?? null,
    previous: previous ?? null,
    history,
    trends: Object.fromEntries(readinessCriteria.map((c) => [c, trend(c)])),
    overall,
  };
}
