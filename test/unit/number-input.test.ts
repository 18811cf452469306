import { expect } from 'chai';
import { z } from 'zod';
import { numberExample, numberSeparators, parseLocaleNumber } from '../../src/util/number-input.js';
import { numberInput, parseFormNumber, parseInput } from '../../src/http/validate.js';
import { numberFormat } from '../../src/util/formats.js';
import { i18n } from '../../src/i18n/index.js';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

describe('locale-aware number input (src/util/number-input.ts)', () => {
  it('learns the separators from Intl: a space-like group and a comma in French, a comma and a point in English', () => {
    const fr = numberSeparators('fr');
    expect(fr.decimal).to.equal(',');
    expect([' ', NBSP, NNBSP]).to.include(fr.group);
    expect(numberSeparators('fr-CA').decimal).to.equal(',');
    expect(numberSeparators('en')).to.deep.equal({ group: ',', decimal: '.' });
    expect(numberSeparators('en-CA')).to.deep.equal({ group: ',', decimal: '.' });
  });

  it('when French, reads what the formatter prints with any of the three spaces, decimals with a comma, and the plain form', () => {
    const cases: [string, number][] = [
      ['25 000,00', 25000],
      [`25${NBSP}000,00`, 25000],
      [`25${NNBSP}000,00`, 25000],
      [`1${NNBSP}234${NNBSP}567,5`, 1234567.5],
      ['42,5', 42.5],
      [',5', 0.5],
      ['25000.50', 25000.5],
      ['25000', 25000],
      ['1.5', 1.5],
      ['1,234', 1.234],
      ['-3,25', -3.25],
      ['+7', 7],
      ['  12  ', 12],
      ['0.500', 0.5],
    ];
    for (const [raw, n] of cases) expect(parseLocaleNumber(raw, 'fr'), JSON.stringify(raw)).to.equal(n);
    // What the app itself prints comes back as the same number.
    for (const locale of ['fr', 'fr-CA']) {
      const printed = numberFormat(locale, { minimumFractionDigits: 2 }).format(1234567.89);
      expect(parseLocaleNumber(printed, 'fr'), printed).to.equal(1234567.89);
    }
  });

  it('when English, reads commas as thousands, a point as decimals, and the plain form', () => {
    const cases: [string, number][] = [
      ['25,000.00', 25000],
      ['1,234,567.5', 1234567.5],
      ['42.5', 42.5],
      ['25000.50', 25000.5],
      ['1.234', 1.234],
      ['1,234', 1234],
      ['.5', 0.5],
      ['-3.25', -3.25],
    ];
    for (const [raw, n] of cases) expect(parseLocaleNumber(raw, 'en'), raw).to.equal(n);
    const printed = numberFormat('en-CA', { minimumFractionDigits: 2 }).format(1234567.89);
    expect(parseLocaleNumber(printed, 'en')).to.equal(1234567.89);
  });

  it('when French, refuses what could be read two ways or mixes the separators', () => {
    const refused = [
      '1.234',
      '12.345',
      '1.234.567',
      '1,234,5',
      '25 000.50',
      '25.000,00',
      '25,000.00',
      '2 5000',
      '25 00',
      '42,',
      '',
      ' ',
      '-',
    ];
    for (const raw of refused) expect(parseLocaleNumber(raw, 'fr'), JSON.stringify(raw)).to.equal(null);
  });

  it('when English, refuses a decimal comma, broken groups and mixed separators', () => {
    const refused = ['42,5', '1,234,5', '1,23', '25.000,00', '25 000,00', '25 000.00', '1,2345', '1.234.567', '1,234.5.6'];
    for (const raw of refused) expect(parseLocaleNumber(raw, 'en'), JSON.stringify(raw)).to.equal(null);
  });

  it('refuses other notations in both languages: hexadecimal, exponents, Infinity, words', () => {
    for (const locale of ['fr', 'en'])
      for (const raw of ['0x10', '1e3', 'Infinity', 'NaN', 'douze', '12abc', '1 2 3'])
        expect(parseLocaleNumber(raw, locale), `${locale} ${raw}`).to.equal(null);
  });

  it('gives an example in the locale form, and the validation message shows it in the reader language', () => {
    expect(numberExample('en-CA')).to.equal('25,000.50');
    expect(numberExample('fr').replace(/\s/g, ' ')).to.equal('25 000,50');
    expect(i18n.t('validation:numberExample', { lng: 'en' })).to.equal('Enter a number, for example 25,000.50.');
    expect(i18n.t('validation:numberExample', { lng: 'fr' })).to.equal(`Entrez un nombre, par exemple ${numberExample('fr-CA')}.`);
  });

  it('when a schema is parsed in a locale, its number fields read that locale and refuse ambiguity with the example message', () => {
    const schema = z.object({ amount: numberInput(z.number().min(0)) });
    expect(parseInput(schema, { amount: `25${NNBSP}000,50` }, 'fr')).to.deep.equal({ ok: true, data: { amount: 25000.5 } });
    expect(parseInput(schema, { amount: '25,000.50' }, 'en')).to.deep.equal({ ok: true, data: { amount: 25000.5 } });
    expect(parseInput(schema, { amount: '25000.50' }, 'fr')).to.deep.equal({ ok: true, data: { amount: 25000.5 } });
    expect(parseInput(schema, { amount: '1.234' }, 'fr')).to.deep.equal({ ok: false, errors: { amount: 'validation:numberExample' } });
    expect(parseInput(schema, { amount: '42,5' }, 'en')).to.deep.equal({ ok: false, errors: { amount: 'validation:numberExample' } });
    expect(parseInput(schema, { amount: '' }, 'en')).to.deep.equal({ ok: false, errors: { amount: 'validation:required' } });
    // The locale lasts for the one parse: the lenient reading without a locale comes back after it.
    expect(parseFormNumber('2,5')).to.equal(2.5);
  });
});
