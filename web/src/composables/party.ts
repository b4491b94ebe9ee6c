/** Shared bits of the party-building pages (党建): codes, their names, periods. */
import { i18n } from '../i18n';
import { zoneToday } from './supervision';

export { download, zoneToday, COLOUR_HEX } from './supervision';

const { t, te } = i18n.global;

export const ORG_TYPES = ['working_committee', 'committee', 'general_branch', 'branch', 'workshop_branch'] as const;
export const ACTIVITY_KINDS = ['theme', 'study', 'meeting'] as const;
export const MEETING_KINDS = ['branch_assembly', 'branch_committee', 'group_meeting', 'party_lecture'] as const;
export const DESIGNATION_STATES = ['applied', 'awarded', 'returned', 'revoked'] as const;
export const ALLIANCE_KINDS = ['neighbourhood', 'business', 'strong_weak', 'industry_chain'] as const;
export const STANDINGS = ['full', 'probationary'] as const;
export const GENDERS = ['m', 'f'] as const;
export const EVERY = ['month', 'quarter', 'half_year', 'year'] as const;
export const COLOURS = ['red', 'yellow', 'green'] as const;

/** `party.<group>.<code>` when translated, else the code. */
export function partyName(group: string, code: string | null | undefined): string {
  if (!code) return '—';
  const k = `party.${group}.${code}`;
  return te(k) ? t(k) : code;
}

/** First and last day of the month `offset` months from the zone's current month. */
export function monthBounds(offset = 0): [string, string] {
  const [y, m] = zoneToday().split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1 + offset, 1));
  const last = new Date(Date.UTC(y, m + offset, 0));
  return [first.toISOString().slice(0, 10), last.toISOString().slice(0, 10)];
}
/** 1 January to 31 December of the zone's current year. */
export function yearBounds(): [string, string] {
  const y = zoneToday().slice(0, 4);
  return [`${y}-01-01`, `${y}-12-31`];
}
/** `YYYY-MM` months of a month-range picker → first and last day. */
export function monthsToDays(from: string, to: string): [string, string] {
  const [y, m] = to.split('-').map(Number) as [number, number];
  return [`${from.slice(0, 7)}-01`, new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)];
}

/** Orgs in tree order (parent before child) as nested rows for a tree table. */
export function buildTree<T extends { id: string; parent_id?: string | null }>(items: T[]): (T & { children?: (T & object)[] })[] {
  const byId = new Map<string, T & { children?: T[] }>();
  for (const i of items) byId.set(i.id, { ...i });
  const roots: (T & { children?: T[] })[] = [];
  for (const i of items) {
    const n = byId.get(i.id)!;
    const parent = i.parent_id ? byId.get(i.parent_id) : undefined;
    if (parent) (parent.children ??= []).push(n);
    else roots.push(n);
  }
  return roots;
}

/** Org select options in tree order with their depth (for indenting the option). */
export function orgOptions<T extends { id: string; parent_id?: string | null; name: string }>(items: T[]): { id: string; label: string; depth: number; org: T }[] {
  const depth = new Map<string, number>();
  return items.map((o) => {
    const d = o.parent_id && depth.has(o.parent_id) ? depth.get(o.parent_id)! + 1 : 0;
    depth.set(o.id, d);
    return { id: o.id, label: o.name, depth: d, org: o };
  });
}

export const isBranch = (orgType: string) => orgType === 'branch' || orgType === 'workshop_branch';
