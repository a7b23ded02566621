/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (an
 * esbuild alias set by infra/constructs/domain-function.ts). Lambda always
 * hands a function its role's credentials in environment variables, and the
 * local cloud does the same, so the SDK's full chain (ini files, SSO, STS,
 * instance metadata; ~90 KB minified) is dead weight at every cold start.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (_init?: unknown) => fromEnv();
