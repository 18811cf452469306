import { expect } from 'chai';
import { keywords, sharedWords } from '../../src/util/shared-words.js';

describe('shared words: when two objectives or resources are about the same thing', () => {
  it('keeps the words that carry meaning, folded, without stop words or numbers', () => {
    expect([...keywords('Placer 40 jeunes en emploi d’ici l’été')]).to.include.members(['placer', 'jeunes', 'emploi']);
    expect([...keywords('Placer 40 jeunes en emploi')]).to.not.include.members(['40', 'en']);
    expect([...keywords('Offer the Rooms for workshops')]).to.have.members(['offer', 'rooms', 'workshops']);
  });
  it('overlap: half the shorter text, and two words unless it has one', () => {
    expect(sharedWords('Placer 40 personnes en emploi', 'Placer 40 jeunes en EMPLOI')).to.have.members(['placer', 'emploi']);
    expect(sharedWords('Salles', 'Salles de réunion du centre')).to.deep.equal(['salles']);
    expect(sharedWords('Placer 40 jeunes en emploi', 'Placer des affiches')).to.deep.equal([]);
    expect(sharedWords('Offrir 12 ateliers', 'Placer 40 jeunes en emploi')).to.deep.equal([]);
    expect(sharedWords('', 'Salles')).to.deep.equal([]);
    expect(sharedWords('École', 'ecole')).to.deep.equal(['ecole']);
  });
});
