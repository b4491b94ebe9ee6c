/** Statistics helpers: the seven metrics, money in 万元, growth in basis points. */
import type { ValuesDto, ValuesInput } from '../api/client';
import { wan } from './money';

export type MetricKey = keyof ValuesInput & keyof typeof FEN_FIELD;

export const FEN_FIELD = {
  output: 'output_fen',
  revenue: 'revenue_fen',
  profit: 'profit_fen',
  tax: 'tax_fen',
  electricity: 'electricity_kwh',
  employees: 'employees',
  rd: 'rd_fen',
} as const;

export const METRICS: MetricKey[] = ['output', 'revenue', 'profit', 'tax', 'electricity', 'employees', 'rd'];

export const isMoney = (m: MetricKey) => m !== 'electricity' && m !== 'employees';

/** The metric key of a stored column (`output_fen` → `output`). */
export function metricOf(code: string | null | undefined): MetricKey | undefined {
  return METRICS.find((m) => FEN_FIELD[m] === code);
}

/** Fen as 万元 with exactly the decimals needed (at most 6): 123456789 → "123.456789". */
export function fenToWan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const int = Math.floor(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? '.' + frac : ''}`;
}

/** A stored value for display: money in 万元 with one decimal as the statistics bureau's
 * tables show it (forms show the exact value), others as integers. */
export function show(m: MetricKey, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!isMoney(m)) return v.toLocaleString('zh-CN');
  return wan(v);
}

export function valueOf(v: ValuesDto | null | undefined, m: MetricKey): number | null | undefined {
  return v ? (v[FEN_FIELD[m]] as number | null | undefined) : undefined;
}

/** Basis points as a signed percentage: 6320 → "+63.2%". */
export function pct(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '—';
  const s = (bp / 100).toFixed(1);
  return bp > 0 ? `+${s}%` : `${s}%`;
}

/** Growth of `cur` over `base` in basis points (none when the base is missing or 0). */
export function growth(cur: number | null | undefined, base: number | null | undefined): number | null {
  if (cur === null || cur === undefined || base === null || base === undefined || base === 0) return null;
  return Math.round(((cur - base) * 10000) / Math.abs(base));
}

/** Last month as YYYY-MM (Asia/Shanghai). */
export function lastMonth(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
