import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config.js';

describe('configuration', () => {
  it('gives safe defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3000);
    expect(c.defaultLocale).to.equal('fr');
    expect(c.scheduler.enabled).to.equal(true);
    expect(c.baseUrl).to.equal('http://localhost:3000');
  });

  it('stops with a message naming the variable and what it expects', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigError, /PORT: .*number/i);
    expect(() => loadConfig({ SMTP_URL: 'mail.example.org' })).to.throw(ConfigError, /SMTP_URL: expected smtp:\/\//);
    expect(() => loadConfig({ CRON_TICK: 'every minute' })).to.throw(ConfigError, /CRON_TICK: expected a cron expression/);
  });

  it('requires a session secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SESSION_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).isProduction).to.equal(true);
  });
});
