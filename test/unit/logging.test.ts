import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactUrl } from '../../src/http/logging.ts';

describe('logged URLs', () => {
  test('hide private-link secrets and feed tokens, whatever their case', () => {
    assert.equal(redactUrl('/r/abcDEF_123-xyz/edit'), '/r/…/edit');
    assert.equal(redactUrl('/R/abcDEF_123-xyz'), '/R/…');
    assert.equal(redactUrl('/feed/s3cr3t'), '/feed/…');
  });

  test('drop query strings, which may hold a search for a reader’s words', () => {
    assert.equal(redactUrl('/admin/replies?q=ada@example.org&status=pending'), '/admin/replies');
    assert.equal(redactUrl('/r/secret?thanks'), '/r/…');
  });

  test('leave other paths as they are', () => {
    assert.equal(redactUrl('/s/leaving-session'), '/s/leaving-session');
    assert.equal(redactUrl('/static/style.css'), '/static/style.css');
  });
});
