import { expect } from 'chai';
import { completeness, fundingGap } from '../../src/agreements/completeness.js';
import { Types } from 'mongoose';
import { approvalRight, availableTransitions, canTransition, transitions, type Transition } from '../../src/agreements/status.js';
import type { Role } from '../../src/users/roles.js';
import { agreementStatuses } from '../../src/agreements/constants.js';

const full = {
  kind: 'contract' as const,
  purpose: 'Help newcomers find work',
  governance: { type: 'steering_committee', decisionProcess: 'Consensus', roles: [{}] },
  objectives: [{ text: 'x' }],
  resources: [{ what: 'rooms' }],
  funding: { none: false, total: 1000, contributions: [{ value: 1000 }] },
  communication: { channels: ['email'], frequency: 'monthly' },
  kpis: [{}],
  followUp: { checkFrequency: 'quarterly', meetingCadence: 'monthly' },
};

describe('agreement completeness', () => {
  it('counts eight of eight for a full agreement and names nothing missing', () => {
    expect(completeness(full)).to.deep.equal({
      complete: ['purpose', 'governance', 'objectives', 'resources', 'funding', 'communication', 'kpis', 'followUp'],
      missing: [],
      score: 8,
    });
  });

  it('names each element whose required part is missing', () => {
    const cases: [string, object][] = [
      ['purpose', { purpose: '  ' }],
      ['governance', { governance: { type: 'informal', decisionProcess: 'x', roles: [] } }],
      ['objectives', { objectives: [] }],
      ['resources', { resources: [] }],
      ['funding', { funding: { total: 0, contributions: [{ value: 1 }] } }],
      ['communication', { communication: { channels: ['email'], frequency: '' } }],
      ['kpis', { kpis: [] }],
      ['followUp', { followUp: { checkFrequency: 'quarterly', meetingCadence: '' } }],
    ];
    for (const [element, change] of cases) {
      const r = completeness({ ...full, ...change });
      expect(r.missing, element).to.deep.equal([element]);
      expect(r.score).to.equal(7);
    }
  });

  it('lets an informal agreement mark funding "none", but not a formal contract', () => {
    const none = { funding: { none: true, total: null, contributions: [] } };
    expect(completeness({ ...full, ...none, kind: 'memorandum' }).missing).to.deep.equal([]);
    expect(completeness({ ...full, ...none, kind: 'contract' }).missing).to.deep.equal(['funding']);
  });

  it('warns when contributions do not add up to the total', () => {
    expect(fundingGap({ total: 1000, contributions: [{ value: 600 }, { value: 400 }] })).to.equal(null);
    expect(fundingGap({ total: 1000, contributions: [{ value: 600 }, { value: 300 }] })).to.equal(100);
    expect(fundingGap({ total: 1000, contributions: [{ value: 1200 }] })).to.equal(-200);
  });
});

describe('agreement status transitions', () => {
  it('allows exactly the moves in the table and refuses every other pair', () => {
    const legal: Record<Transition, string[]> = {
      submit: ['draft'],
      approve: ['in_review'],
      send_back: ['in_review'],
      expire: ['active'],
      terminate: ['active'],
      renew: ['active', 'expired'],
      supersede: ['active', 'expired'],
    };
    for (const t of Object.keys(transitions) as Transition[]) {
      for (const s of agreementStatuses) expect(canTransition(s, t), `${t} from ${s}`).to.equal(legal[t].includes(s));
    }
  });

  it('offers approval only to managers, and never the scheduler-only expiry', () => {
    expect(availableTransitions('in_review', false)).to.deep.equal(['send_back']);
    expect(availableTransitions('in_review', true)).to.deep.equal(['approve', 'send_back']);
    expect(availableTransitions('active', true)).to.deep.equal(['terminate', 'renew']);
    expect(availableTransitions('terminated', true)).to.deep.equal([]);
  });

  it('keeps the original of a renewal in its status and leaves "renewed" to the approval of the renewal', () => {
    expect(transitions.renew.to).to.equal(null);
    expect(transitions.supersede).to.include({ to: 'renewed', system: true });
  });

  it('wants approval from a manager outside the owner, team and authors; an administrator among them may override', () => {
    const owner = new Types.ObjectId();
    const member = new Types.ObjectId();
    const author = new Types.ObjectId();
    const other = new Types.ObjectId();
    const a = { ownerId: owner, teamIds: [member] };
    const as = (id: Types.ObjectId, role: Role) => approvalRight({ id: String(id), role }, a, [author]);
    expect([as(other, 'manager'), as(other, 'admin'), as(other, 'professional')]).to.deep.equal(['allowed', 'allowed', 'refused']);
    expect([as(owner, 'manager'), as(member, 'manager'), as(author, 'manager')]).to.deep.equal(['refused', 'refused', 'refused']);
    expect([as(owner, 'admin'), as(member, 'admin'), as(author, 'admin')]).to.deep.equal(['override', 'override', 'override']);
  });
});
