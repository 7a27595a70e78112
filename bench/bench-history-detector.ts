import { pino } from 'pino';
import { HistoryDetector } from '../src/detect/history-detector.js';
import { DEFAULT_HISTORY_SETTINGS } from '../src/domain/history-settings.js';
import { RULES } from '../src/rules/rule-registry.js';
import { privilegeGrantOf } from '../src/rules/zoom/privilege-then-weakening.js';
import type { Clock } from '../src/shared/clock.js';
import type { Store } from '../src/store/store.js';

/** The history detector as the service builds it (the built-in rules, default settings), silent. */
export function benchHistoryDetector(store: Store, clock: Clock, batchSize?: number): HistoryDetector {
  return new HistoryDetector({
    store,
    rules: RULES,
    settings: DEFAULT_HISTORY_SETTINGS,
    privilegeGrant: privilegeGrantOf,
    clock,
    logger: pino({ level: 'silent' }),
    ...(batchSize === undefined ? {} : { batchSize }),
  });
}
