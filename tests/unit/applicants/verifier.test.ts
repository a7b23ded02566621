import { afterEach, describe, expect, it } from 'vitest';
import { identityVerifier } from '../../../functions/applicants/identity/verifier.ts';
import { HttpProblem } from '#shared/errors';

describe('the identity verifier of a stage', () => {
  const saved = process.env.IDENTITY_PROVIDER;
  afterEach(() => {
    if (saved === undefined) delete process.env.IDENTITY_PROVIDER;
    else process.env.IDENTITY_PROVIDER = saved;
  });

  it('a stage that names no provider refuses registration with its own 503 problem, not a failure', () => {
    delete process.env.IDENTITY_PROVIDER;
    let thrown: unknown;
    try {
      identityVerifier();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    expect([(thrown as HttpProblem).status, (thrown as HttpProblem).type]).toEqual([503, expect.stringMatching(/registration-not-offered$/)]);
  });

  it('a provider without an adapter is a deployment error', () => {
    process.env.IDENTITY_PROVIDER = 'no-such-provider';
    expect(() => identityVerifier()).toThrow(/no-such-provider has no adapter/);
  });
});
