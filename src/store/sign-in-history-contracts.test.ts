import { describeSignInHistoryStoreContract } from './sign-in-history-store-contract.test-support.js';
import { forEachStoreTarget } from './store-test-targets.test-support.js';

// The SignInHistoryStore contract (migration 009) against every store selected by STORE.
forEachStoreTarget((target) => {
  describeSignInHistoryStoreContract(target.name, (options) => target.open(options));
});
