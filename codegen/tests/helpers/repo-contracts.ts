import { chatContract, seedContract } from '@ssekit-examples/contracts';
import { dashboardContract } from '../../../examples/dashboard/src/contract.ts';
import { feedContract as clientFeedContract } from '../../../packages/client/tests/fixtures/feed/contract.ts';
import { feedContract as redisFeedContract } from '../../../packages/redis/tests/fixtures/feed-contract.ts';
import { conformanceContract } from '../../../packages/server/tests/conformance/fixture.ts';
import type { AnyContract } from '../../src/ir/build.ts';
import { docsContract } from '../fixtures/docs-contract.ts';
import exoticContract from '../fixtures/exotic-contract.ts';
import { sharedDefsContract } from '../fixtures/shared-defs-contract.ts';

/**
 * Every contract of the repository, by name: the seed and chat contracts, the dashboard example, the codegen fixtures
 * that cover every IR feature, and the contracts the client, redis and server tests use.
 *
 * @example
 * ```ts
 * describe.each(REPOSITORY_CONTRACTS)('the %s contract', (_name, contract) => { ... });
 * ```
 */
export const REPOSITORY_CONTRACTS: readonly [string, AnyContract][] = [
  ['seed', seedContract],
  ['chat', chatContract],
  ['dashboard', dashboardContract],
  ['docs', docsContract],
  ['exotic', exoticContract],
  ['shared defs', sharedDefsContract],
  ['client feed (test fixture)', clientFeedContract],
  ['redis feed (test fixture)', redisFeedContract],
  ['server conformance (test fixture)', conformanceContract],
];
