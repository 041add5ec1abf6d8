import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const refused = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected the environment to be refused');
};

describe('the configuration', () => {
  test('has working defaults: embedded PostgreSQL on port 3000', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.port, 3000);
    assert.equal(config.trustProxy, false);
    assert.match(config.dataDir, /\/data$/);
    assert.equal(config.shutdownTimeoutSeconds, 10);
    assert.equal(config.purgeAfterDays, 30);
  });

  test('treats empty variables as unset', () => {
    assert.equal(loadConfig({ PORT: '', DATABASE_URL: ' ' }).port, 3000);
  });

  test('names the wrong variable and says how to fix it', () => {
    const message = refused({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    assert.match(message, /PORT: must be a port number/);
    assert.match(message, /DATABASE_URL: must be a postgresql:\/\/ connection URL/);
    assert.match(message, /README\.md/);
  });

  test('understands TRUST_PROXY as Express does, and refuses what Express would choke on', () => {
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).trustProxy, 'loopback, 10.0.0.0/8, fd00::/8');
    for (const bad of ['foo', '10.0.0.1/99', 'loopback/8', 'yes']) assert.match(refused({ TRUST_PROXY: bad }), /TRUST_PROXY/, bad);
  });

  test('serves Gemini on 127.0.0.1:1965 for localhost unless told otherwise; GEMINI_PORT=0 turns it off', () => {
    assert.deepEqual(loadConfig({}).gemini, { port: 1965, address: '127.0.0.1', hostname: 'localhost', certFile: undefined, keyFile: undefined });
    assert.equal(loadConfig({ GEMINI_PORT: '0' }).gemini.port, 0);
    assert.match(refused({ GEMINI_PORT: '70000' }), /GEMINI_PORT: must be a port number, or 0 to turn Gemini off/);
  });

  test('takes the Gemini host name as clients send it: lowercase, punycode, no final dot', () => {
    assert.equal(loadConfig({ GEMINI_HOSTNAME: 'Capsule.Example.' }).gemini.hostname, 'capsule.example');
    assert.equal(loadConfig({ GEMINI_HOSTNAME: 'bücher.example' }).gemini.hostname, 'xn--bcher-kva.example');
    assert.equal(loadConfig({ GEMINI_HOSTNAME: '::1' }).gemini.hostname, '::1');
    for (const bad of ['two words', 'capsule.example/path', 'gemini://capsule.example'])
      assert.match(refused({ GEMINI_HOSTNAME: bad }), /GEMINI_HOSTNAME/, bad);
  });

  test('wants both of GEMINI_CERT and GEMINI_KEY, or neither', () => {
    assert.match(refused({ GEMINI_CERT: 'cert.pem' }), /GEMINI_CERT, GEMINI_KEY: set both/);
    const { gemini } = loadConfig({ GEMINI_CERT: 'cert.pem', GEMINI_KEY: 'key.pem' });
    assert.match(gemini.certFile ?? '', /^\/.*\/cert\.pem$/);
    assert.match(gemini.keyFile ?? '', /^\/.*\/key\.pem$/);
  });

  test('takes whole seconds for SHUTDOWN_TIMEOUT and whole days for PURGE_AFTER_DAYS', () => {
    assert.equal(loadConfig({ SHUTDOWN_TIMEOUT: '3', PURGE_AFTER_DAYS: '90' }).shutdownTimeoutSeconds, 3);
    assert.equal(loadConfig({ PURGE_AFTER_DAYS: '90' }).purgeAfterDays, 90);
    for (const bad of ['0', '-1', '1.5', 'soon']) {
      assert.match(refused({ SHUTDOWN_TIMEOUT: bad }), /SHUTDOWN_TIMEOUT/, bad);
      assert.match(refused({ PURGE_AFTER_DAYS: bad }), /PURGE_AFTER_DAYS/, bad);
    }
  });
});
