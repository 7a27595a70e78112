import { describeCoverageStoreContract } from './coverage-store-contract.test-support.js';
import { describeEventStoreContract } from './event-store-contract.test-support.js';
import { describeOverviewStoreContract } from './overview-store-contract.test-support.js';
import { describeReadAfterCommitContract } from './read-after-commit-contract.test-support.js';
import { forEachStoreTarget } from './store-test-targets.test-support.js';

// The event side of the store contract (events, coverage, read-after-commit, overview), against every
// store selected by STORE. The other concerns are in store-contracts.test.ts: the two files run side by
// side, since together they were the suite's longest file.
forEachStoreTarget((target) => {
  describeEventStoreContract(target.name, (options) => target.open(options));
  describeCoverageStoreContract(target.name, (options) => target.open(options));
  describeReadAfterCommitContract(target.name, (options) => target.open(options));
  describeOverviewStoreContract(target.name, (options) => target.open(options));
});
