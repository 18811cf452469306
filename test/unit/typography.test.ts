import { expect } from 'chai';
import { typeset } from '../../src/i18n/typography.js';

const fr = (s: string) => typeset('fr', { s }).s;
const en = (s: string) => typeset('en', { s }).s;

describe('typography: catalogs set in their language', () => {
  it('in French, puts a narrow no-break space before : ; ! ? whatever the catalog typed', () => {
    expect(fr('Total: 3')).to.equal('Total\u202f: 3');
    expect(fr('Total : 3')).to.equal('Total\u202f: 3');
    expect(fr('Total\u00a0: 3')).to.equal('Total\u202f: 3');
    expect(fr('Supprimer? Oui; non!')).to.equal('Supprimer\u202f? Oui\u202f; non\u202f!');
    expect(fr('Actions en cours :')).to.equal('Actions en cours\u202f:');
    expect(fr(' :')).to.equal('\u202f:'); // a colon on its own, put after a label by a template
    expect(fr(':')).to.equal('\u202f:');
  });

  it('in French, sets « » with narrow no-break spaces inside', () => {
    expect(fr('le statut «Actif»')).to.equal('le statut «\u202fActif\u202f»');
    expect(fr('le statut « Actif »')).to.equal('le statut «\u202fActif\u202f»');
  });

  it('in English, takes any space away before a colon', () => {
    expect(en('Partners : 3')).to.equal('Partners: 3');
    expect(en('Next check due\u202f: soon')).to.equal('Next check due: soon');
  });

  it('uses the typographic apostrophe in both languages', () => {
    expect(fr("Aucune action pour l'instant.")).to.equal('Aucune action pour l’instant.');
    expect(en("Attendees' calendars, the team's page")).to.equal('Attendees’ calendars, the team’s page');
  });

  it('leaves placeholders, nesting, times and addresses as they are', () => {
    const nested = '$t(partners:errors.agreementCount, {"count": {{agreements}} })';
    expect(fr(nested)).to.equal(nested);
    expect(en(nested)).to.equal(nested);
    expect(fr('à 10:00, voir https://example.org/a?b=c')).to.equal('à 10:00, voir https://example.org/a?b=c');
    expect(fr('{{label}}: {{value}}')).to.equal('{{label}}\u202f: {{value}}');
  });
});
