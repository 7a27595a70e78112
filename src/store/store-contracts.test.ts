import { describeAlertStoreContract } from './alert-store-contract.test-support.js';
import { describeAuthStoreContract } from './auth-store-contract.test-support.js';
import { describeDestinationStoreContract } from './destination-store-contract.test-support.js';
import { describeLeaseStoreContract } from './lease-store-contract.test-support.js';
import { describeRetentionStoreContract } from './retention-store-contract.test-support.js';
import { describeSinkStoreContract } from './sink-store-contract.test-support.js';
import { describeSourceStoreContract } from './source-store-contract.test-support.js';
import { forEachStoreTarget } from './store-test-targets.test-support.js';

// The store contract, one suite per concern (events, coverage, read-after-commit and overview are in
// event-store-contracts.test.ts), against every store selected by STORE (default
// sqlite,postgres; the HealthStore suite is in health-store-contracts.test.ts): see
// store-test-targets.test-support.ts for the PostgreSQL URL, the skip and CI=true.
forEachStoreTarget((target) => {
  describeSourceStoreContract(target.name, (options) => target.open(options));
  describeAlertStoreContract(target.name, (options) => target.open(options));
  describeDestinationStoreContract(target.name, (options) => target.open(options));
  describeAuthStoreContract(target.name, (options) => target.open(options));
  describeLeaseStoreContract(target.name, (options) => target.open(options));
  describeRetentionStoreContract(target.name, (options) => target.open(options));
  describeSinkStoreContract(target.name, (options) => target.open(options));
});
