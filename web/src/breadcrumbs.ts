/** The console's sections, by the first segment of their path (the sidebar and the breadcrumbs). */
export const SECTIONS: Record<string, string> = {
  overview: 'Overview',
  sources: 'Sources',
  events: 'Events',
  alerts: 'Alerts',
  map: 'Sign-in map',
  detections: 'Detections',
  destinations: 'Destinations',
  sinks: 'Sinks',
  failures: 'Failures',
  'rule-errors': 'Rule errors',
  tokens: 'API tokens',
  users: 'Users',
  audit: 'Audit trail',
};

export interface Crumb {
  label: string;
  /** A link, except for the page itself and sections without a list to go back to. */
  to?: string;
  /** An identifier (source id, rule id, email): shown in the monospace font. */
  mono?: boolean;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The top bar's trail for a path: `Sources › Acme Zoom`, `Detections ›
 * Zoom.Admin.RoleChanged`, `Users › alice@example.com`. `label` is the name
 * the page gave what it shows (a source's name), used instead of its id.
 */
export function breadcrumbs(path: string, label: string | null = null): Crumb[] {
  const parts = path.replace(/\/+$/, '').split('/').filter(Boolean).map(decode);
  const [first, second, third] = parts;
  if (!first) return [];
  const section = SECTIONS[first];
  if (!section || parts.length > 3) return [{ label: 'Page not found' }];
  if (!second) return parts.length === 1 ? [{ label: section }] : [{ label: 'Page not found' }];
  // /users/<email> is a Zoom user's page; /users itself lists the console's accounts (admins only), so no link back.
  const head: Crumb = first === 'users' ? { label: section } : { label: section, to: `/${first}` };
  if (first === 'sources' && second === 'new' && !third) return [head, { label: 'New source' }];
  if (first === 'sources' && third === 'setup') return [head, { label: label ?? second, to: `/sources/${encodeURIComponent(second)}`, mono: !label }, { label: 'Setup' }];
  if (third) return [{ label: 'Page not found' }];
  return [head, { label: label ?? second, mono: !label || first === 'users' }];
}

/** The browser tab's title for a trail: the page first, `Acme Zoom · Sources · Zoomtrail`. */
export function documentTitle(crumbs: Crumb[]): string {
  return [...crumbs.map((c) => c.label).reverse(), 'Zoomtrail'].join(' · ');
}
