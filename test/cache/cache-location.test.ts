/** Where the persistent cache lives, checked against the paths spelled out here (Linux's XDG rule). */
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CACHE_FILE_NAME, defaultCacheDir, defaultCachePath, defaultStoreKind } from '../../src/cache/cache-location.js';

// env-paths reads XDG_CACHE_HOME from the process, not from the env passed in.
const userCache = process.platform === 'linux' ? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'deja') : undefined;

describe('cache location', () => {
  it('is $DEJA_CACHE_DIR/fec.db, resolved against the working folder', () => {
    assert.equal(CACHE_FILE_NAME, 'fec.db');
    assert.equal(defaultCacheDir({ DEJA_CACHE_DIR: '/tmp/x/../y' }), '/tmp/y');
    assert.equal(defaultCacheDir({ DEJA_CACHE_DIR: 'rel/dir' }), resolve('rel/dir'));
    assert.equal(defaultCachePath({ DEJA_CACHE_DIR: '/tmp/y' }), '/tmp/y/fec.db');
  });

  it("is the user's cache folder named deja (no suffix) when DEJA_CACHE_DIR is unset or empty", { skip: userCache === undefined && 'the XDG rule is Linux only' }, () => {
    assert.equal(defaultCacheDir({}), userCache);
    assert.equal(defaultCacheDir({ DEJA_CACHE_DIR: '' }), userCache);
    assert.equal(defaultCachePath({}), join(userCache!, 'fec.db'));
  });

  it('reads process.env by default', () => {
    const saved = process.env.DEJA_CACHE_DIR;
    process.env.DEJA_CACHE_DIR = '/tmp/from-process-env';
    try {
      assert.equal(defaultCacheDir(), '/tmp/from-process-env');
      assert.equal(defaultCachePath(), '/tmp/from-process-env/fec.db');
      assert.equal(defaultStoreKind(), 'persistent');
    } finally {
      if (saved === undefined) delete process.env.DEJA_CACHE_DIR;
      else process.env.DEJA_CACHE_DIR = saved;
    }
  });

  it('keeps tests (NODE_TEST_CONTEXT) off the persistent file unless they name a cache folder', () => {
    assert.equal(defaultStoreKind({}), 'persistent');
    assert.equal(defaultStoreKind({ NODE_TEST_CONTEXT: 'child-v8' }), 'memory');
    assert.equal(defaultStoreKind({ NODE_TEST_CONTEXT: '' }), 'memory');
    assert.equal(defaultStoreKind({ NODE_TEST_CONTEXT: 'child-v8', DEJA_CACHE_DIR: '' }), 'memory');
    assert.equal(defaultStoreKind({ NODE_TEST_CONTEXT: 'child-v8', DEJA_CACHE_DIR: '/tmp/c' }), 'persistent');
    assert.equal(defaultStoreKind({ DEJA_CACHE_DIR: '/tmp/c' }), 'persistent');
  });
});
