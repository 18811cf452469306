// The dashboard's sentences agree with their number in both languages.
import { expect } from 'chai';
import { i18n } from '../../src/i18n/index.js';

describe('dashboard wording', () => {
  for (const [lng, one, two] of [
    [
      'fr',
      '1 type de partenariat sur 8 couvert par des ententes actives.',
      '2 types de partenariat sur 8 couverts par des ententes actives.',
    ],
    ['en', '1 of 8 partnership types covered by active agreements.', '2 of 8 partnership types covered by active agreements.'],
  ] as const) {
    it(`says how many partner types are covered, singular or plural, in ${lng}`, () => {
      const t = i18n.getFixedT(lng);
      expect(t('dashboard:diversity.covered', { count: 1, covered: 1, total: 8 })).to.equal(one);
      expect(t('dashboard:diversity.covered', { count: 2, covered: 2, total: 8 })).to.equal(two);
    });
  }
});
