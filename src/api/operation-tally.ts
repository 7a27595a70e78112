/** Who changed most and which settings changed most, over Operation Logs events (`operator`, `p_udm.changes[].name`). */
export interface OperationTally {
  topOperators: { operator: string; count: number }[];
  topSettings: { name: string; count: number }[];
}

function top<K extends string>(counts: Map<string, number>, key: K, limit: number): ({ [P in K]: string } & { count: number })[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([value, count]) => ({ [key]: value, count }) as { [P in K]: string } & { count: number });
}

/** Tallies operators (lower-cased) and parsed change names (as written), `limit` of each, most first, ties by name. */
export function tallyOperations(events: Iterable<Record<string, unknown>>, limit: number): OperationTally {
  const operators = new Map<string, number>();
  const settings = new Map<string, number>();
  for (const event of events) {
    if (typeof event.operator === 'string' && event.operator.trim() !== '') {
      const operator = event.operator.trim().toLowerCase();
      operators.set(operator, (operators.get(operator) ?? 0) + 1);
    }
    const udm = event.p_udm as { changes?: unknown } | undefined;
    if (udm && Array.isArray(udm.changes)) {
      const names = new Set<string>();
      for (const change of udm.changes as unknown[]) {
        const name = (change as { name?: unknown } | null)?.name;
        if (typeof name === 'string' && name.trim() !== '') names.add(name.trim());
      }
      for (const name of names) settings.set(name, (settings.get(name) ?? 0) + 1);
    }
  }
  return { topOperators: top(operators, 'operator', limit), topSettings: top(settings, 'name', limit) };
}
