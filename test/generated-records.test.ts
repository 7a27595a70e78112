import { describe, expect, it } from 'vitest';
import { evaluateBatch, type DetectableEvent } from '../src/detect/detector.js';
import { operationEventType } from '../src/normalize/data-models.js';
import { parseOperationDetail } from '../src/normalize/operation-detail-parser.js';
import type { OperationLogRecord } from '../src/zoom/report-records.js';
import { DETECTION_TRIGGERS, generateDay, NEAR_MISSES } from '../src/zoom-sim/record-generator.js';
import { normalizers } from './support/collect-harness.js';
import { defaultRulesByLogType, isPerEventRule } from './support/detect-harness.js';

/**
 * The simulator's generated records, in the forms real Zoom records take
 * (activate/deactivate as `Update`, `User Settings`, lower-case clients),
 * read by the operation_detail parser and the rules as a real page would be.
 */

const { operations } = generateDay({ seed: 11, day: '2026-03-02', volume: { activities: 0, operations: 6000 } });
const key = (o: Pick<OperationLogRecord, 'category_type' | 'action' | 'operation_detail'>) => `${o.category_type}|${o.action}|${o.operation_detail}`;

describe('generated operation records through the parser', () => {
  it('settings of the account and of users read as settings, every change with its from and to', () => {
    const settings = operations.filter((o) => o.category_type === 'Account' || o.category_type === 'User Settings');
    expect(settings.filter((o) => o.category_type === 'User Settings').length).toBeGreaterThan(2000);
    for (const o of settings) {
      const detail = parseOperationDetail(o.category_type, o.action, o.operation_detail);
      expect(detail.kind, o.operation_detail).toBe('settings');
      if (detail.kind !== 'settings') continue;
      // As many changes as the text has ": from ".
      expect(detail.changes.length, o.operation_detail).toBe(o.operation_detail.split(': from ').length - 1);
    }
  });

  it('users: activate and deactivate come as action Update and read as user events with that verb', () => {
    const users = operations.filter((o) => o.category_type === 'User');
    const verbs = new Map<string, Set<string>>();
    for (const o of users) {
      const detail = parseOperationDetail(o.category_type, o.action, o.operation_detail);
      expect(['user', 'role_change'], o.operation_detail).toContain(detail.kind);
      if (detail.kind !== 'user') continue;
      expect(o.operation_detail.toLowerCase()).toContain(detail.email);
      if (!verbs.has(detail.verb)) verbs.set(detail.verb, new Set());
      verbs.get(detail.verb)!.add(o.action);
    }
    expect([...verbs.keys()].sort()).toEqual(['activate', 'add', 'deactivate', 'delete', 'edit', 'update']);
    expect([...verbs.get('activate')!]).toEqual(['Update']);
    expect([...verbs.get('deactivate')!]).toEqual(['Update']);
    const deactivate = users.find((o) => o.operation_detail.startsWith('Deactivate User '))!;
    expect(operationEventType({ ...deactivate })).toBe('user_account_modified');
  });

  it('groups read as group events, their changes included', () => {
    for (const o of operations.filter((x) => x.category_type === 'User Group')) {
      const detail = parseOperationDetail(o.category_type, o.action, o.operation_detail);
      expect(detail.kind, o.operation_detail).toBe('group');
      if (detail.kind === 'group' && o.action === 'Update') expect(detail.changes.length, o.operation_detail).toBeGreaterThan(0);
    }
  });
});

describe('generated operation records through the rules', () => {
  it('the planted triggers fire their rule, in the real forms; nothing else in a real-shaped day fires a Zoom rule', () => {
    const events: DetectableEvent[] = operations.map((record, i) => {
      const result = normalizers.get('Zoom.Operation')!.normalize(record, { sourceId: 's', sourceLabel: 's', rowId: String(i), parseTimeMs: 0 });
      if (!result.ok) throw new Error(`generated record fails its schema: ${JSON.stringify(record)}`);
      return { rowId: String(i), sourceId: 's', logType: 'Zoom.Operation', eventTimeMs: result.value.eventTimeMs, event: result.value.event };
    });
    const { matches, errors } = evaluateBatch(defaultRulesByLogType(), events);
    expect(errors).toEqual([]);
    // The rules the simulator plants for (Panther's, per event); Zoomtrail's own rules have their own truth tests.
    const plantedRules = new Set(DETECTION_TRIGGERS.map((t) => t.ruleId));
    const zoomMatches = matches.filter((m) => plantedRules.has(m.ruleId) && isPerEventRule(m.ruleId));
    const fired = new Map<string, Set<string>>();
    for (const m of zoomMatches) {
      const k = key(operations[Number(m.rowId)]!);
      if (!fired.has(k)) fired.set(k, new Set());
      fired.get(k)!.add(m.ruleId);
    }
    // Independent of the rules: the simulator says what each planted record is meant to fire.
    const meant = new Map<string, Set<string>>();
    for (const t of DETECTION_TRIGGERS) {
      if (!meant.has(key(t))) meant.set(key(t), new Set());
      meant.get(key(t))!.add(t.ruleId);
    }
    for (const [k, rules] of meant) expect(fired.get(k), k).toEqual(rules);
    for (const [k, rules] of fired) expect(meant.get(k), `${k} fired ${[...rules].join(', ')}`).toEqual(rules);
    for (const n of NEAR_MISSES) expect(fired.has(key(n)), `near miss ${key(n)}`).toBe(false);
  });
});
