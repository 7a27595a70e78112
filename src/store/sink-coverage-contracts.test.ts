import { describeSinkCoverageStoreContract } from './sink-coverage-store-contract.test-support.js';
import { forEachStoreTarget } from './store-test-targets.test-support.js';

// Coverage records and sink leases (migration 021) on every store target (see store-test-targets.test-support.ts).
forEachStoreTarget((target) => {
  describeSinkCoverageStoreContract(target.name, (options) => target.open(options));
});
