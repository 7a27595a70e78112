import { describeAlertStoreContract } from './alert-store-contract.test-support.js';
import { describeAuthStoreContract } from './auth-store-contract.test-support.js';
import { describeLeaseStoreContract } from './lease-store-contract.test-support.js';
import { describeStoreContract } from './store-contract.test-support.js';
import { forEachStoreTarget } from './store-test-targets.test-support.js';

// The whole store contract against every store selected by STORE (default sqlite,postgres):
// see store-test-targets.test-support.ts for the PostgreSQL URL, the skip and CI=true.
forEachStoreTarget((target) => {
  describeStoreContract(target.name, (options) => target.open(options));
  describeAlertStoreContract(target.name, (options) => target.open(options));
  describeAuthStoreContract(target.name, (options) => target.open(options));
  describeLeaseStoreContract(target.name, (options) => target.open(options));
});
