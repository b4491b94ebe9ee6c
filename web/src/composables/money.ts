/** Money is carried in fen (分) and shown like the statistics bureau's tables. */

/** Fen as 万元 with one decimal: 123456789 → "123.5". */
export function wan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return (fen / 1_000_000).toLocaleString('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** Fen as 亿元 with two decimals: 1e12 → "100.00". */
export function yi(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return (fen / 10_000_000_000).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Fen as a number of 亿元 rounded to two decimals, for chart values: 1e12 → 100. */
export function yiNumber(fen: number): number {
  return Math.round(fen / 100_000_000) / 100;
}

/** A growth rate in percent with its sign: 5.6 → "+5.6%", null → "—". */
export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;
}

/** The CSS class of a growth rate: red up, green down (Chinese market colours). */
export function growthClass(v: number | null | undefined): string {
  if (v === null || v === undefined || v === 0) return '';
  return v > 0 ? 'yq-up' : 'yq-down';
}
