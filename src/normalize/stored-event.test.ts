import { describe, expect, it } from 'vitest';
import type { LogType } from '../zoom/report-records.js';
import { generateDay } from '../zoom-sim/record-generator.js';
import { sharedIpLocator } from './ip-locator.js';
import { DEFAULT_SCHEMA_DIR, loadNormalizers, normalizerFor } from './log-type-registry.js';
import { compactEvent, expandStoredEvent, VERBATIM, type StoredEventKeys } from './stored-event.js';

const SOURCE = 'src-1';

/** Normalizes generated records the way the collector does. */
function normalized(logType: LogType, records: readonly unknown[]): Array<{ event: Record<string, unknown>; keys: StoredEventKeys }> {
  const normalizer = normalizerFor(logType);
  return records.map((raw, i) => {
    const keys = { logType, rowId: `row-${i}`, sourceId: SOURCE, storedAt: 1_767_225_600_130 + i };
    const result = normalizer.normalize(raw, { sourceId: SOURCE, sourceLabel: 'Acme Zoom', rowId: keys.rowId, parseTimeMs: 1_767_225_600_123 + i });
    if (!result.ok) throw new Error(result.problem.reason);
    return { event: result.value.event, keys };
  });
}

/** Through the store: compact, to JSON text and back, expanded. */
function roundTrip(event: Record<string, unknown>, keys: StoredEventKeys): { stored: Record<string, unknown>; expanded: Record<string, unknown> } {
  const stored = JSON.parse(JSON.stringify(compactEvent(event, keys))) as Record<string, unknown>;
  return { stored, expanded: expandStoredEvent(stored, keys) };
}

describe('the stored event', () => {
  const day = generateDay({ seed: 7, day: '2026-01-05', volume: { activities: 400, operations: 400 } });

  it.each([
    ['Zoom.Activity', day.activities],
    ['Zoom.Operation', day.operations],
  ] as const)('expands to exactly the event normalize produced, key order included (%s)', (logType, records) => {
    const events = normalized(logType, records);
    let storedBytes = 0;
    let fullBytes = 0;
    for (const { event, keys } of events) {
      const { stored, expanded } = roundTrip(event, keys);
      expect(JSON.stringify(expanded)).toBe(JSON.stringify(event));
      expect(stored[VERBATIM]).toBeUndefined();
      for (const derived of ['p_log_type', 'p_row_id', 'p_source_id', 'p_event_time', 'p_any_emails', 'p_any_ip_addresses']) expect(stored).not.toHaveProperty(derived);
      expect(stored).toHaveProperty('p_parse_time', 7); // ms before the stored-at time
      expect(stored).toHaveProperty('p_source_label', 'Acme Zoom');
      storedBytes += JSON.stringify(stored).length;
      fullBytes += JSON.stringify(event).length;
    }
    expect(storedBytes).toBeLessThan(fullBytes * 0.75);
  });

  it('derives the p_udm of Zoom.Activity and of Zoom.Operation (its parsed changes included)', () => {
    const [activity] = normalized('Zoom.Activity', day.activities);
    expect(roundTrip(activity!.event, activity!.keys).stored).not.toHaveProperty('p_udm');
    const operations = normalized('Zoom.Operation', day.operations);
    let withChanges = 0;
    for (const { event, keys } of operations) {
      const { stored, expanded } = roundTrip(event, keys);
      expect(stored).not.toHaveProperty('p_udm');
      expect(JSON.stringify(expanded)).toBe(JSON.stringify(event));
      if (Array.isArray((event.p_udm as { changes?: unknown }).changes)) withChanges += 1;
    }
    expect(withChanges).toBeGreaterThan(operations.length / 2);
  });

  it.each([
    ['other changes', (udm: Record<string, unknown>) => ({ ...udm, changes: [{ name: 'Something else', from: 'On', to: 'Off' }] })],
    ['its keys in another order', (udm: Record<string, unknown>) => Object.fromEntries(Object.entries(udm).reverse())],
    ['an extra key', (udm: Record<string, unknown>) => ({ ...udm, note: 1 })],
    ['none of its keys', () => ({})],
  ])('keeps a Zoom.Operation p_udm with %s than its data model derives', (_, change) => {
    const [{ event, keys }] = normalized('Zoom.Operation', day.operations.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const odd = { ...event, p_udm: change(event.p_udm as Record<string, unknown>) };
    const { stored, expanded } = roundTrip(odd, keys);
    expect(stored.p_udm).toEqual(odd.p_udm);
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(odd));
  });

  it('stores a Zoom.Operation event without p_udm whole (expansion would add one), and reads it back without', () => {
    const [{ event, keys }] = normalized('Zoom.Operation', day.operations.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const { p_udm: _udm, ...without } = event;
    const { stored, expanded } = roundTrip(without, keys);
    expect(stored[VERBATIM]).toBe(true);
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(without));
  });

  it('reads a Zoom.Operation row stored with its p_udm (before it was derived) as it was, and keeps it on request (migration 033 down)', () => {
    const [{ event, keys }] = normalized('Zoom.Operation', day.operations.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const kept = JSON.parse(JSON.stringify(compactEvent(event, keys, { keepDataModel: true }))) as Record<string, unknown>;
    expect(kept.p_udm).toEqual(event.p_udm);
    expect(JSON.stringify(expandStoredEvent(kept, keys))).toBe(JSON.stringify(event));
  });

  it('keeps a p_ field that differs from what the record derives', () => {
    const [{ event, keys }] = normalized('Zoom.Activity', day.activities.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const odd = { ...event, p_any_emails: ['someone-else@example.com'], p_source_id: 'another-source' };
    const { stored, expanded } = roundTrip(odd, keys);
    expect(stored.p_any_emails).toEqual(['someone-else@example.com']);
    expect(stored.p_source_id).toBe('another-source');
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(odd));
  });

  it('keeps other p_ fields after the standard ones (e.g. added after normalize)', () => {
    const [{ event, keys }] = normalized('Zoom.Operation', day.operations.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const extended = { ...event, p_custom: { country: 'NL' } };
    const { stored, expanded } = roundTrip(extended, keys);
    expect(stored[VERBATIM]).toBeUndefined();
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(extended));
  });

  it('compacts an enriched event (p_enrichment where normalize writes it) and keeps its enrichment as it was', () => {
    const enriching = loadNormalizers(DEFAULT_SCHEMA_DIR, sharedIpLocator()).get('Zoom.Activity')!;
    let enriched = 0;
    day.activities.forEach((raw, i) => {
      const keys: StoredEventKeys = { logType: 'Zoom.Activity', rowId: `row-${i}`, sourceId: SOURCE, storedAt: 1_767_225_600_130 };
      const result = enriching.normalize(raw, { sourceId: SOURCE, sourceLabel: 'Acme Zoom', rowId: keys.rowId, parseTimeMs: 1_767_225_600_123 });
      if (!result.ok) throw new Error(result.problem.reason);
      const { event } = result.value;
      const { stored, expanded } = roundTrip(event, keys);
      expect(JSON.stringify(expanded)).toBe(JSON.stringify(event));
      expect(stored[VERBATIM]).toBeUndefined();
      expect(stored).not.toHaveProperty('p_udm');
      if (event.p_enrichment !== undefined) enriched += 1;
      // Stored without its field names (a flat array of path and values), read back as it was.
      if (event.p_enrichment !== undefined) expect(JSON.stringify(stored.p_enrichment).length).toBeLessThan(JSON.stringify(event.p_enrichment).length * 0.7);
    });
    expect(enriched).toBeGreaterThan(day.activities.length / 2);
  });

  it.each([
    ['an array (the stored form)', ['ip_address', ['public', 'DE']]],
    ['not only ip_location', { ip_location: { ip_address: { kind: 'public' } }, other: 1 }],
    ['fields out of order', { ip_location: { ip_address: { country: 'DE', kind: 'public' } } }],
    ['a null, an object or an unknown field', { ip_location: { a: { kind: null }, b: { kind: {} }, c: { zone: 'x' } } }],
    ['a location keyed __proto__', JSON.parse('{"ip_location":{"__proto__":{"kind":"public","asn":1},"ip_address":{}}}') as unknown],
    ['no location', { ip_location: {} }],
  ])('reads back a p_enrichment with %s as it was', (_, enrichment) => {
    const [{ event, keys }] = normalized('Zoom.Activity', day.activities.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const odd: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event)) {
      if (key === 'p_udm') odd.p_enrichment = enrichment;
      odd[key] = value;
    }
    const { expanded } = roundTrip(odd, keys);
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(odd));
    expect(Object.getPrototypeOf((expanded.p_enrichment as { ip_location?: object }).ip_location ?? {})).toBe(Object.prototype);
  });

  describe('p_enrichment locations', () => {
    const GERMANY = { kind: 'public', country: 'DE', country_name: 'Germany', region: 'Hesse', city: 'Frankfurt', lat: 50.11, lng: 8.68, asn: 3320, org: 'Deutsche Telekom AG' };

    /** The first generated sign-in with `locations` as its p_enrichment.ip_location, in normalize's place. */
    function withLocations(locations: unknown): { event: Record<string, unknown>; keys: StoredEventKeys } {
      const [{ event, keys }] = normalized('Zoom.Activity', day.activities.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event)) {
        if (key === 'p_udm') out.p_enrichment = { ip_location: locations };
        out[key] = value;
      }
      return { event: out, keys };
    }

    it.each([
      ['located (the country name the code gives left out)', { ip_address: GERMANY }, [0, [0, 'DE', 'Hesse', 'Frankfurt', 50.11, 8.68, 3320, 'Deutsche Telekom AG']]],
      [
        'located with an accuracy, without region and organisation',
        { ip_address: { kind: 'public', country: 'DE', country_name: 'Germany', city: 'Frankfurt', lat: 50.11, lng: 8.68, accuracy_km: 20, asn: 3320 } },
        [0, [0, 'DE', null, 'Frankfurt', 50.11, 8.68, 3320, null, 20]],
      ],
      ['private', { ip_address: { kind: 'private' } }, [0, [1]]],
      ['partial (country and ASN only)', { ip_address: { kind: 'public', country: 'NL', country_name: 'Netherlands', asn: 1136 } }, [0, [0, 'NL', null, null, null, null, 1136]]],
      ['partial (ASN only)', { ip_address: { kind: 'public', asn: 1136, org: 'KPN B.V.' } }, [0, [0, null, null, null, null, null, 1136, 'KPN B.V.']]],
      [
        'a country name other than the code gives',
        { ip_address: { ...GERMANY, country_name: 'Deutschland' } },
        [0, [0, 'DE', 'Hesse', 'Frankfurt', 50.11, 8.68, 3320, 'Deutsche Telekom AG', null, 'Deutschland']],
      ],
      ['a country name without a country', { ip_address: { kind: 'public', country_name: 'Germany' } }, [0, [0, null, null, null, null, null, null, null, null, 'Germany']]],
      ['a code the runtime has no name for', { ip_address: { kind: 'public', country: 'XX' } }, [0, [0, 'XX']]],
      ['a kind that is no IpKind', { ip_address: { kind: 'satellite', country: 'DE', country_name: 'Germany' } }, [0, ['satellite', 'DE']]],
      ['no kind', { ip_address: { city: 'Frankfurt' } }, [0, [null, null, null, 'Frankfurt']]],
      ['a non-number lat', { ip_address: { ...GERMANY, lat: '50.11' } }, [0, [0, 'DE', 'Hesse', 'Frankfurt', '50.11', 8.68, 3320, 'Deutsche Telekom AG']]],
      [
        'a path the stored form has no number for (long form)',
        { 'operator.ip': GERMANY },
        ['operator.ip', ['public', 'DE', 'Germany', 'Hesse', 'Frankfurt', 50.11, 8.68, null, 3320, 'Deutsche Telekom AG']],
      ],
      ['a code without its name (long form)', { ip_address: { kind: 'public', country: 'DE' } }, ['ip_address', ['public', 'DE']]],
      ['a number as kind (long form)', { ip_address: { kind: 0, country: 'DE' } }, ['ip_address', [0, 'DE']]],
      ['two paths, short and long', { ip_address: { kind: 'private' }, 'operator.ip': { kind: 'loopback' } }, [0, [1], 'operator.ip', ['loopback']]],
    ])('stores a location %s without field names and reads it back exactly', (_, locations, storedForm) => {
      const { event, keys } = withLocations(locations);
      const { stored, expanded } = roundTrip(event, keys);
      expect(stored.p_enrichment).toEqual(storedForm);
      expect(JSON.stringify(expanded)).toBe(JSON.stringify(event));
    });

    it.each([
      ['an extra key', { ip_address: { ...GERMANY, zone: 'eu' } }],
      ['reordered keys', { ip_address: { country: 'DE', kind: 'public' } }],
      ['a null field', { ip_address: { kind: 'public', city: null } }],
      ['an object field', { ip_address: { kind: 'public', lat: { deg: 50 } } }],
    ])('keeps a p_enrichment whose location has %s as an object, read back as it was', (_, locations) => {
      const { event, keys } = withLocations(locations);
      const { stored, expanded } = roundTrip(event, keys);
      expect(stored[VERBATIM]).toBeUndefined();
      expect(stored.p_enrichment).toEqual({ ip_location: locations });
      expect(JSON.stringify(expanded)).toBe(JSON.stringify(event));
    });

    it('reads the forms stored before the short one (object, and path with values in field order) as they were', () => {
      const { event, keys } = withLocations({ ip_address: GERMANY });
      const { stored } = roundTrip(event, keys);
      const objectForm = { ...stored, p_enrichment: { ip_location: { ip_address: GERMANY } } };
      const longForm = { ...stored, p_enrichment: ['ip_address', ['public', 'DE', 'Germany', 'Hesse', 'Frankfurt', 50.11, 8.68, null, 3320, 'Deutsche Telekom AG']] };
      const privateLongForm = { ...stored, p_enrichment: ['ip_address', ['private']] };
      expect(JSON.stringify(expandStoredEvent(objectForm, keys))).toBe(JSON.stringify(event));
      expect(JSON.stringify(expandStoredEvent(longForm, keys))).toBe(JSON.stringify(event));
      expect(expandStoredEvent(privateLongForm, keys).p_enrichment).toEqual({ ip_location: { ip_address: { kind: 'private' } } });
    });

    it('stores the enrichment of generated sign-ins in under 42% of its JSON', () => {
      const enriching = loadNormalizers(DEFAULT_SCHEMA_DIR, sharedIpLocator()).get('Zoom.Activity')!;
      let storedBytes = 0;
      let fullBytes = 0;
      day.activities.forEach((raw, i) => {
        const keys: StoredEventKeys = { logType: 'Zoom.Activity', rowId: `row-${i}`, sourceId: SOURCE, storedAt: 1_767_225_600_130 };
        const result = enriching.normalize(raw, { sourceId: SOURCE, sourceLabel: 'Acme Zoom', rowId: keys.rowId, parseTimeMs: 1_767_225_600_123 });
        if (!result.ok || result.value.event.p_enrichment === undefined) return;
        const { stored } = roundTrip(result.value.event, keys);
        storedBytes += JSON.stringify(stored.p_enrichment).length;
        fullBytes += JSON.stringify(result.value.event.p_enrichment).length;
      });
      // Measured: 39.9% (57.5% with only the field names left out, the form before the short one).
      expect(storedBytes).toBeLessThan(fullBytes * 0.42);
    });
  });

  it('stores whole an event whose p_enrichment follows p_udm (not where normalize writes it), and reads it back unchanged', () => {
    const [{ event, keys }] = normalized('Zoom.Operation', day.operations.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const late = { ...event, p_enrichment: { country: 'NL' } };
    const { stored, expanded } = roundTrip(late, keys);
    expect(stored[VERBATIM]).toBe(true);
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(late));
  });

  it.each([
    ['a hand-made event without the standard fields', { action: 'Update', p_any_emails: ['a@example.com'] }],
    ['record fields after p_ fields', { p_log_type: 'Zoom.Activity', email: 'a@example.com' }],
    ['standard fields out of order', { email: 'a@example.com', p_row_id: 'row-0', p_log_type: 'Zoom.Activity' }],
    ['a p_parse_time that is not text', { email: 'a@example.com', p_parse_time: 5 }],
    ['an event with the marker key itself', { email: 'a@example.com', [VERBATIM]: true }],
    ['a __proto__ key', JSON.parse('{"__proto__":{"x":1},"email":"a@example.com"}') as Record<string, unknown>],
  ])('stores %s whole and reads it back unchanged', (_, event) => {
    const keys: StoredEventKeys = { logType: 'Zoom.Activity', rowId: 'row-0', sourceId: SOURCE, storedAt: 0 };
    const { expanded } = roundTrip(event, keys);
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(event));
    expect(Object.getPrototypeOf(expanded)).toBe(Object.prototype);
  });

  it('keeps a p_parse_time text formatTimestamp would not write as it is', () => {
    const [{ event, keys }] = normalized('Zoom.Activity', day.activities.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const odd = { ...event, p_parse_time: '2026-01-01 00:00:00' };
    const { stored, expanded } = roundTrip(odd, keys);
    expect(stored.p_parse_time).toBe('2026-01-01 00:00:00');
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(odd));
  });

  it('reads an event stored whole before the compact form existed as it was', () => {
    const [{ event, keys }] = normalized('Zoom.Activity', day.activities.slice(0, 1)) as [{ event: Record<string, unknown>; keys: StoredEventKeys }];
    const expanded = expandStoredEvent(JSON.parse(JSON.stringify(event)) as Record<string, unknown>, keys);
    expect(JSON.stringify(expanded)).toBe(JSON.stringify(event));
  });
});
