import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainInputError } from '../../src/domain/domain.js';
import { isInstalled, requirePackages, TFJS_PACKAGES } from '../../src/domain/optional-packages.js';

test('a missing optional package is one line naming it and the install command', () => {
  assert.doesNotThrow(() => requirePackages([...TFJS_PACKAGES, 'mnist'], 'the nas-cell domain'));
  assert.equal(isInstalled('deja-no-such-package'), false);
  assert.throws(
    () => requirePackages(['mnist', 'deja-no-such-package'], 'the nas-cell domain'),
    (error: Error) =>
      error instanceof DomainInputError &&
      error.message === 'the nas-cell domain needs deja-no-such-package (an optional peer dependency of deja, not installed): npm install deja-no-such-package',
  );
});
