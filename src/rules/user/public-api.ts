/**
 * What `import ... from 'zoomtrail/rules'` gives at run time (package.json
 * "exports"); its types are types/rules.d.ts. Inside the rules directory the
 * loader supplies the same two values.
 */
export { defineRule, RULE_DEFAULTS } from '../../detect/rule.js';
