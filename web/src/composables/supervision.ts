/** Shared bits of the supervision pages (督查督办): colours, names, weeks, money in 万元, downloads. */
import { i18n } from '../i18n';
import { codeMessage } from './useApiError';
import type { SvReasonDto } from '../api/client';

const { t, te, locale } = i18n.global;

export const COLOURS = ['red', 'yellow', 'green'] as const;
export const COLOUR_HEX: Record<string, string> = { green: '#16a34a', yellow: '#eab308', red: '#dc2626' };
export const KINDS = ['task', 'project'] as const;
export const SOURCES = ['plan', 'meeting', 'higher'] as const;
export const STATES = ['open', 'closed'] as const;
export const PROJECT_TYPES = ['industrial', 'infrastructure', 'livelihood', 'tourism', 'real_estate'] as const;
export const STAGES = ['preparation', 'construction', 'completed', 'production'] as const;

/** `sv.<group>.<code>` when translated, else the code. */
export function svName(group: string, code: string | null | undefined): string {
  if (!code) return '—';
  const k = `sv.${group}.${code}`;
  return te(k) ? t(k) : code;
}
export const colourName = (c: string | null | undefined) => svName('colours', c);

/** A reason as the office writes it (Chinese), or translated from its code and value. */
export function reasonText(r: SvReasonDto | undefined): string {
  if (!r) return '';
  if (locale.value === 'zh-CN') return r.text;
  const k = `sv.reasonCodes.${r.code}`;
  return te(k) ? t(k, { v: r.value ?? 0, label: r.label ?? '' }) : r.text;
}

/** Today in the zone (Asia/Shanghai) as YYYY-MM-DD. */
export function zoneToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function parseDay(d: string): Date {
  return new Date(`${d}T00:00:00Z`);
}
function dayString(d: Date): string {
  return d.toISOString().slice(0, 10);
}
export function addDays(d: string, n: number): string {
  const x = parseDay(d);
  x.setUTCDate(x.getUTCDate() + n);
  return dayString(x);
}
/** The Saturday of the week (Monday–Sunday) that holds `d`, as the server counts weeks. */
export function reviewSaturday(d: string): string {
  const dow = parseDay(d).getUTCDay(); // 0 Sunday … 6 Saturday
  const monday = (dow + 6) % 7; // days since Monday
  return addDays(d, 5 - monday);
}
export function isSaturday(d: Date): boolean {
  return d.getDay() === 6;
}

/** Fen as 万元 with up to two decimals. */
export function wan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return (fen / 1_000_000).toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
}
/** 万元 (as typed) to fen. */
export function wanToFen(w: number | null | undefined): number {
  return Math.round((w ?? 0) * 1_000_000);
}

/** Downloads a GET endpoint's bytes under the server's file name (or `fallback`). */
export async function download(url: string, fallback: string): Promise<void> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(codeMessage(typeof body.code === 'string' ? body.code : `http.${res.status}`));
  }
  const cd = res.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  const name = star ? decodeURIComponent(star[1]!) : plain ? plain[1]! : fallback;
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}
