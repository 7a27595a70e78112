import { describeHealthStoreContract } from './health-store-contract.test-support.js';
import { forEachStoreTarget } from './store-test-targets.test-support.js';

// The HealthStore part of the store contract, against every store selected by STORE.
forEachStoreTarget((target) => {
  describeHealthStoreContract(target.name, (options) => target.open(options));
});
