/**
 * Structured parser for the free-text `operation_detail` field of Zoom
 * operation logs (see /work/shared/zoom-api.md, "operation_detail" formats).
 *
 * The result is a JSON-serializable discriminated union that is stored on
 * events as `p_udm.changes`. The parser never throws: anything it cannot read
 * confidently comes back as `{ kind: 'unknown', raw }`.
 *
 * Performance: only literal string searches, `split` and single-character-class
 * regexes without nested quantifiers are used, so the work is linear in the
 * length of the input (no catastrophic backtracking on long or hostile text).
 */

/** One `<setting>: from <x> to <y>` change. */
export interface SettingChange {
  /** Setting name as written (trimmed, inner whitespace runs collapsed). */
  setting: string;
  /** Lower-cased, single-spaced `setting` for case/whitespace-insensitive matching. */
  settingKey: string;
  from: string;
  to: string;
}

/** One change in a user event: `F: V`, `F: set to X` or `F: from X to Y`. */
export interface UserChange {
  field: string;
  from?: string;
  to?: string;
  value?: string;
}

export interface SettingsDetail {
  kind: 'settings';
  /** Section name as written (trimmed, inner whitespace runs collapsed). */
  section: string;
  /** Lower-cased, single-spaced `section`. */
  sectionKey: string;
  changes: SettingChange[];
}

export interface RoleChangeDetail {
  kind: 'role_change';
  /** Lower-cased e-mail address of the user whose role changed. */
  email: string;
  from: string;
  to: string;
}

export type UserVerb = 'add' | 'update' | 'edit' | 'delete' | 'activate' | 'deactivate';

export interface UserDetail {
  kind: 'user';
  /** Lower-cased verb; usually one of {@link UserVerb}, but any word Zoom uses is kept. */
  verb: UserVerb | (string & {});
  /** Lower-cased e-mail address. */
  email: string;
  changes: UserChange[];
}

export interface GroupDetail {
  kind: 'group';
  /** Lower-cased verb (`add`, `edit`, `delete`, ...). */
  verb: string;
  /** Group name as written (trimmed, inner whitespace runs collapsed). */
  group: string;
  changes: SettingChange[];
}

export interface UnknownDetail {
  kind: 'unknown';
  /** The original text (empty string when the input was not a string). */
  raw: string;
}

export type OperationDetail =
  | SettingsDetail
  | RoleChangeDetail
  | UserDetail
  | GroupDetail
  | UnknownDetail;

/** Separator between the header and changes, and between changes. */
const SEP = ' - ';

/** Any whitespace character (tabs, newlines, NBSP, ...): mapped to a plain space. */
const WHITESPACE_CHAR = /\s/g;
/** A run of spaces (single quantifier, linear). */
const SPACE_RUN = / +/g;
const FROM_KEYWORD = /: from /i;
const TO_KEYWORD = / to /i;
const SET_TO_KEYWORD = /^set to /i;

/** Trim and collapse runs of spaces inside a name. */
function cleanName(s: string): string {
  return s.trim().replace(SPACE_RUN, ' ');
}

function keyOf(s: string): string {
  return cleanName(s).toLowerCase();
}

interface FromTo {
  name: string;
  from: string;
  to: string;
}

/**
 * Parse `<name>: from <x> to <y>`. The name ends at the FIRST `: from `
 * (so a name may itself contain `: `), and `<x>` ends at the first ` to `
 * after it. Keywords are matched case-insensitively (`from on to off` and
 * `From On To Off` both parse). Values are trimmed, not otherwise changed.
 */
function parseFromTo(piece: string): FromTo | null {
  const text = piece.trim();
  const fromMatch = FROM_KEYWORD.exec(text);
  if (!fromMatch || fromMatch.index < 1) return null;
  const name = cleanName(text.slice(0, fromMatch.index));
  if (name === '') return null;
  const rest = text.slice(fromMatch.index + fromMatch[0].length);
  const toMatch = TO_KEYWORD.exec(rest);
  if (!toMatch) return null;
  return {
    name,
    from: rest.slice(0, toMatch.index).trim(),
    to: rest.slice(toMatch.index + toMatch[0].length).trim(),
  };
}

function parseSettingChange(piece: string): SettingChange | null {
  const ft = parseFromTo(piece);
  if (!ft) return null;
  return { setting: ft.name, settingKey: ft.name.toLowerCase(), from: ft.from, to: ft.to };
}

/** Parse `F: from X to Y`, `F: set to X` or `F: V` (the field ends at the first `: `). */
function parseUserChange(piece: string): UserChange | null {
  const ft = parseFromTo(piece);
  if (ft) return { field: ft.name, from: ft.from, to: ft.to };
  const text = piece.trim();
  const colon = text.indexOf(': ', 1);
  if (colon < 1) return null;
  const field = cleanName(text.slice(0, colon));
  if (field === '') return null;
  const value = text.slice(colon + 2).trim();
  const setTo = SET_TO_KEYWORD.exec(value);
  if (setTo) return { field, to: value.slice(setTo[0].length).trim() };
  return { field, value };
}

/**
 * Group ` - `-separated segments into change pieces and parse them.
 *
 * A segment starts a new piece only if it parses as a change on its own AND
 * the piece being built already parses. Otherwise it is glued (with ` - `) to
 * the current piece: a leading non-change segment becomes a prefix of the
 * next change's name (`Sign-In Password Requirement - Have at least 8
 * characters: from On to Off`), and a later one becomes part of the previous
 * change's value (`A: from x - y to z`). Returns null when no change at all
 * can be read. Linear in the total length of the segments.
 */
function parseChanges<T>(segments: readonly string[], parse: (piece: string) => T | null): T[] | null {
  const pieces: string[][] = [];
  let current: string[] = [];
  let currentParses = false;
  // Incremental state, so that a piece that does not parse yet is never re-scanned
  // (keeps the whole pass linear): has the piece a `: from ` keyword already?
  let currentHasFrom = false;
  for (const seg of segments) {
    const isStart = parse(seg) !== null;
    if (isStart && currentParses) {
      pieces.push(current);
      current = [seg];
      currentHasFrom = FROM_KEYWORD.test(seg);
      continue;
    }
    const prev = current[current.length - 1];
    current.push(seg);
    if (currentParses) continue;
    if (isStart) {
      // The piece now contains a segment that parses alone: the joined piece parses too.
      currentParses = true;
    } else if (currentHasFrom && prev !== undefined && TO_KEYWORD.test(prev.slice(-3) + SEP + seg)) {
      // `<name>: from <x - y> to <z>`: the ` to ` arrived in a later segment.
      currentParses = true;
    } else if (!currentHasFrom) {
      currentHasFrom = FROM_KEYWORD.test(seg);
    }
  }
  if (current.length > 0) pieces.push(current);

  const out: T[] = [];
  for (const piece of pieces) {
    const parsed = parse(piece.join(SEP));
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

function unknown(raw: string): UnknownDetail {
  return { kind: 'unknown', raw };
}

function parseRoleChange(body: readonly string[]): RoleChangeDetail | null {
  if (body.length === 0) return null;
  const ft = parseFromTo(body.join(SEP));
  if (!ft) return null;
  const email = ft.name.toLowerCase();
  if (!email.includes('@') || email.includes(' ')) return null;
  return { kind: 'role_change', email, from: ft.from, to: ft.to };
}

/** `<Verb...> User <email>` header -> verb and email, or null. */
function parseUserHeader(header: string): { verb: string; email: string } | null {
  const words = cleanName(header).split(' ');
  if (words.length < 3) return null;
  const userWord = words[words.length - 2];
  const email = words[words.length - 1];
  if (userWord === undefined || email === undefined) return null;
  if (userWord.toLowerCase() !== 'user' || !email.includes('@')) return null;
  return { verb: words.slice(0, -2).join(' ').toLowerCase(), email: email.toLowerCase() };
}

function parseGroup(verb: string, segments: readonly string[]): GroupDetail | null {
  // segments[0] is `<Verb> Group <name...>`; the name continues over further
  // ` - ` segments until the first segment that reads as a `: from X to Y` change.
  const first = cleanName(segments[0] ?? '');
  const nameStart = first.toLowerCase().indexOf(' group ');
  if (nameStart < 0) return null;
  const nameParts = [first.slice(nameStart + ' group '.length)];
  let i = 1;
  while (i < segments.length && parseSettingChange(segments[i] ?? '') === null) {
    nameParts.push(segments[i] ?? '');
    i++;
  }
  const group = cleanName(nameParts.join(SEP));
  if (group === '') return null;
  let changes: SettingChange[] = [];
  if (i < segments.length) {
    const parsed = parseChanges(segments.slice(i), parseSettingChange);
    if (parsed === null) return null;
    changes = parsed;
  }
  return { kind: 'group', verb, group, changes };
}

function parse(raw: string): OperationDetail {
  const text = raw.replace(WHITESPACE_CHAR, ' ').trim();
  if (text === '') return unknown(raw);
  const segments = text.split(SEP);
  const header = cleanName(segments[0] ?? '');
  const body = segments.slice(1);
  const headerWords = header.split(' ');
  const verb = (headerWords[0] ?? '').toLowerCase();
  const second = (headerWords[1] ?? '').toLowerCase();

  if (header.toLowerCase() === 'change role') {
    return parseRoleChange(body) ?? unknown(raw);
  }

  if (headerWords.length >= 3 && second === 'group') {
    const group = parseGroup(verb, segments);
    if (group) return group;
  }

  const userHeader = parseUserHeader(header);
  if (userHeader) {
    if (body.length === 0) {
      return { kind: 'user', verb: userHeader.verb, email: userHeader.email, changes: [] };
    }
    const changes = parseChanges(body, parseUserChange);
    if (changes === null) return unknown(raw);
    return { kind: 'user', verb: userHeader.verb, email: userHeader.email, changes };
  }

  // Settings: `<Section>  - <change> - <change> ...`
  if (body.length === 0 || header === '' || header.includes(': ')) return unknown(raw);
  const changes = parseChanges(body, parseSettingChange);
  if (changes === null) return unknown(raw);
  return { kind: 'settings', section: header, sectionKey: header.toLowerCase(), changes };
}

/**
 * Parse Zoom's `operation_detail` text into a structured, JSON-serializable
 * value. `categoryType` and `action` are accepted as hints only: the form of
 * the detail text decides the result (a `Change Role` header is a role change
 * whatever the category). Never throws.
 */
export function parseOperationDetail(
  categoryType: string | undefined,
  action: string | undefined,
  detail: string | undefined,
): OperationDetail {
  void categoryType;
  void action;
  const raw = typeof detail === 'string' ? detail : '';
  try {
    return parse(raw);
  } catch {
    return unknown(raw);
  }
}
