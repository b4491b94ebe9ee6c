/** Shared helpers of the per-mu evaluation (亩均效益评价) pages. */

export const INDICATOR_CODES = ['tax_per_mu', 'revenue_per_mu', 'output_per_kwh', 'rd_intensity', 'output_per_employee'] as const;

/** Thousandths as a number with one decimal (scores, indicator values). */
export function milli(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return (v / 1000).toFixed(1);
}

/** Hundredths of a mu as 亩 with two decimals. */
export function mu(centi: number | null | undefined): string {
  if (centi === null || centi === undefined) return '—';
  return (centi / 100).toFixed(2);
}

export type TagType = 'success' | 'primary' | 'warning' | 'danger' | 'info';

export function classTag(c: string | null | undefined): TagType {
  return ({ A: 'success', B: 'primary', C: 'warning', D: 'danger' } as Record<string, TagType>)[c ?? ''] ?? 'info';
}

export function statusTag(s: string): TagType {
  return ({ draft: 'info', run: 'warning', published: 'success' } as Record<string, TagType>)[s] ?? 'info';
}
