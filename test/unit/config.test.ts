import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../src/config.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-config-'));

describe('configuration', () => {
  it('gives safe defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3000);
    expect(c.defaultLocale).to.equal('fr');
    expect(c.scheduler.enabled).to.equal(true);
    expect(c.baseUrl).to.equal('http://localhost:3000');
  });

  it('reads an empty variable (as .env.example leaves them) as unset', () => {
    const dir = tempDir();
    const c = loadConfig({ NODE_ENV: 'production', MONGODB_URI: '', SESSION_SECRET: '', SMTP_URL: '', BASE_URL: '', DATA_DIR: dir });
    expect(c.mongodbUri).to.equal(undefined);
    expect(c.smtpUrl).to.equal(undefined);
    expect(c.sessionSecretFile).to.equal(path.join(dir, 'session-secret'));
  });

  it('stops with a message naming the variable and what it expects', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigError, /PORT: .*number/i);
    expect(() => loadConfig({ SMTP_URL: 'mail.example.org' })).to.throw(ConfigError, /SMTP_URL: expected smtp:\/\//);
    expect(() => loadConfig({ CRON_TICK: 'every minute' })).to.throw(ConfigError, /CRON_TICK: expected a cron expression/);
  });

  it('generates the session secret on first start and keeps it in the data folder, readable by its owner only', () => {
    for (const NODE_ENV of ['production', 'development']) {
      const dir = path.join(tempDir(), 'data');
      const first = loadConfig({ NODE_ENV, DATA_DIR: dir });
      expect(first.sessionSecretFile).to.equal(path.join(dir, 'session-secret'));
      expect(fs.existsSync(first.sessionSecretFile!), 'nothing written before the secret is needed').to.equal(false);
      const secret = first.sessionSecret;
      expect(secret).to.have.length.of.at.least(43); // 256 bits or more, base64url
      expect(fs.statSync(first.sessionSecretFile!).mode & 0o777).to.equal(0o600);
      // A restart (a new process reading the same folder), or the worker beside it: the same secret.
      expect(loadConfig({ NODE_ENV, DATA_DIR: dir }).sessionSecret).to.equal(secret);
      expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dir }).sessionSecret).to.equal(secret);
      // Another installation gets its own: no secret is written in the code.
      expect(loadConfig({ NODE_ENV, DATA_DIR: path.join(tempDir(), 'data') }).sessionSecret).not.to.equal(secret);
    }
  });

  it('uses SESSION_SECRET when set, and writes no file', () => {
    const dir = tempDir();
    const c = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DATA_DIR: dir });
    expect(c.isProduction).to.equal(true);
    expect(c.sessionSecret).to.equal('x'.repeat(32));
    expect(c.sessionSecretFile).to.equal(undefined);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).to.throw(ConfigError, /SESSION_SECRET: expected at least 32 characters/);
  });

  it('requires SESSION_SECRET in production on a shared database (MONGODB_URI), where instances cannot share a file', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db.example.org/passerelle' })).to.throw(
      ConfigError,
      /SESSION_SECRET: required in production when MONGODB_URI is set/,
    );
    const dir = tempDir();
    const dev = loadConfig({ NODE_ENV: 'development', MONGODB_URI: 'mongodb://localhost/passerelle', DATA_DIR: dir });
    expect(dev.sessionSecret).to.equal(fs.readFileSync(path.join(dir, 'session-secret'), 'utf8').trim());
  });

  it('refuses a kept secret that was cut short, naming the file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'session-secret'), 'abc\n', { mode: 0o600 });
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir }).sessionSecret).to.throw(ConfigError, /session-secret/);
  });

  it('gives the test harness a fresh secret per process, kept nowhere', () => {
    const dir = tempDir();
    const a = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir });
    expect(a.sessionSecret).to.have.length.of.at.least(43);
    expect(a.sessionSecret).to.equal(a.sessionSecret);
    expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }).sessionSecret).not.to.equal(a.sessionSecret);
    expect(a.sessionSecretFile).to.equal(undefined);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});
