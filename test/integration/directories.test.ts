import { expect } from 'chai';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { clearDatabase } from '../helpers/db.js';
import { createUser, makeApp, signIn, type Agent, type TestUser } from '../helpers/app.js';
import { advanceLogHead, ChangeModel, packIds } from '../../src/db/change-log.js';
import { MeetingModel } from '../../src/meetings/model.js';
import { PartnerModel, StageChangeModel } from '../../src/partners/model.js';
import { foldText } from '../../src/util/text.js';
import { meetingsStartingBetween } from '../../src/meetings/directory.js';
import { stageChangesBetween } from '../../src/partners/stage-directory.js';

// The meeting and stage-change directories (src/meetings/directory.ts, src/partners/stage-directory.ts)
// and the one change-log read that keeps every directory current for a GET request.
describe('directories: meetings and stage changes in memory, one log read per page', function () {
  this.timeout(30_000);
  let app: Express;
  let user: TestUser;
  let agent: Agent;
  let partnerId: Types.ObjectId;
  const month = new Date().toISOString().slice(0, 7);
  const calendar = async () => (await agent.get(`/meetings/calendar?month=${month}`).expect(200)).text;
  const meeting = (title: string) => {
    const start = new Date();
    start.setUTCHours(15, 0, 0, 0);
    return {
      kind: 'planning' as const,
      title,
      partnerId,
      ownerId: user._id,
      start,
      end: new Date(start.getTime() + 3_600_000),
      durationMinutes: 60,
      zone: 'America/Toronto',
    };
  };

  before(async () => {
    app = await makeApp();
  });
  beforeEach(async () => {
    await clearDatabase();
    user = await createUser({ role: 'professional', locale: 'en' });
    agent = await signIn(app, user);
    const name = 'Maison des jeunes';
    partnerId = (
      await PartnerModel.create({ name, nameFolded: foldText(name), searchFolded: foldText(name), type: 'community', ownerId: user._id })
    )._id;
  });

  it('shows a meeting on the calendar as soon as it is written, and drops it when cancelled (updateMany) or deleted', async () => {
    expect(await calendar()).to.not.contain('Comité de suivi');
    await MeetingModel.create(meeting('Comité de suivi'));
    const m2 = await MeetingModel.create(meeting('Bilan annuel'));
    const page = await calendar();
    expect(page).to.contain('Comité de suivi').and.contain('Bilan annuel');
    await MeetingModel.updateMany({ title: 'Comité de suivi' }, { $set: { cancelled: true } });
    await MeetingModel.deleteOne({ _id: m2._id });
    const after = await calendar();
    expect(after).to.not.contain('Comité de suivi');
    expect(after).to.not.contain('Bilan annuel');
  });

  it('answers a time window from the sorted list: meetings in [from, to) earliest first, stage changes in [since, until] latest first', async () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 23, h));
    for (const h of [9, 7, 12, 10, 8, 11]) await MeetingModel.create({ ...meeting(`M${h}`), start: at(h), end: at(h + 1) });
    const titles = async (from: Date, to: Date | null) => (await meetingsStartingBetween(from, to)).map((m) => m.title);
    expect(await titles(at(8), at(11))).to.deep.equal(['M8', 'M9', 'M10']);
    expect(await titles(at(10), null)).to.deep.equal(['M10', 'M11', 'M12']);
    expect(await titles(at(13), null)).to.deep.equal([]);
    expect(await titles(at(0), at(7))).to.deep.equal([]);

    for (const h of [3, 1, 2, 4])
      await StageChangeModel.create({ partnerId, from: null, to: 'exploring', at: at(h), byName: `S${h}`, reason: '' });
    const changes = (await stageChangesBetween(at(2), at(3))).map((c) => c.byName);
    expect(changes).to.deep.equal(['S3', 'S2']);
  });

  it("applies another process's writes (a stage change and a meeting, logged by it) on the next page", async () => {
    await agent.get(`/partners/${String(partnerId)}`).expect(200); // the directories are loaded
    // Written behind this process's models, as another instance would, with its own log entries.
    const change = await StageChangeModel.collection.insertOne({
      partnerId,
      from: 'identified',
      to: 'contacted',
      at: new Date(),
      byName: 'Other instance',
      reason: 'Premier appel fait',
    });
    const other = await MeetingModel.collection.insertOne({ ...meeting('Visite des locaux'), start: new Date(Date.now() - 3_600_000) });
    await ChangeModel.create({ coll: 'partnerstagechanges', ids: packIds([change.insertedId]), at: new Date() });
    await ChangeModel.create({ coll: 'meetings', ids: packIds([other.insertedId]), at: new Date() });
    await advanceLogHead();
    const page = (await agent.get(`/partners/${String(partnerId)}`).expect(200)).text;
    expect(page, 'the timeline shows the stage change').to.contain('Premier appel fait');
    expect(page, 'and the meeting').to.contain('Visite des locaux');
  });

  it('reads the change log once for a page that uses four directories (the dashboard), and not at all when its head has not moved', async () => {
    const client = mongoose.connection.getClient();
    const logReads = async (url: string) => {
      let n = 0;
      const on = (e: CommandStartedEvent) => {
        if (e.commandName === 'find' && (e.command as { find?: string }).find === 'change_log') n += 1;
      };
      client.on('commandStarted', on);
      await agent.get(url).expect(200);
      client.off('commandStarted', on);
      return n;
    };
    await agent.get('/dashboard?owner=all').expect(200); // loads the partner, agreement, meeting and stage-change directories
    await MeetingModel.create(meeting('Rencontre de planification'));
    await PartnerModel.updateOne({ _id: partnerId }, { $set: { region: 'Laval' } });
    expect(await logReads('/dashboard?owner=all')).to.equal(1);
    expect(await logReads('/meetings/calendar'), 'nothing written since: the head says so').to.equal(0);
    await MeetingModel.create(meeting('Suivi trimestriel'));
    expect(await logReads('/meetings/calendar')).to.equal(1);
    expect(await calendar()).to.contain('Suivi trimestriel');
  });
});
