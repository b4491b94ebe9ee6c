/** Shared bits of the appeal pages (诉求): states, lights, deadlines, limits. */
import { i18n } from '../i18n';

const { t, te } = i18n.global;

export const APPEAL_STATES = [
  'submitted',
  'dispatched',
  'accepted',
  'in_progress',
  'waiting',
  'answered',
  'reopened',
  'confirmed',
  'closed',
  'merged',
  'withdrawn',
] as const;
export const LIGHTS = ['green', 'yellow', 'red', 'paused'] as const;
export const CHANNELS = ['phone', 'walk_in', 'visit'] as const;
/** Actions that need a written note (the backend's `Action::needs_note`). */
export const NEEDS_NOTE = new Set(['transfer', 'reply', 'wait', 'answer', 'close', 'merge', 'restart']);

export function stateName(s: string | null | undefined): string {
  if (!s) return '—';
  const k = `appeal.states.${s}`;
  return te(k) ? t(k) : s;
}

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';
export function stateTag(s: string): TagType {
  switch (s) {
    case 'submitted':
    case 'reopened':
      return 'danger';
    case 'waiting':
      return 'warning';
    case 'answered':
    case 'confirmed':
    case 'closed':
      return 'success';
    case 'merged':
    case 'withdrawn':
      return 'info';
    default:
      return 'primary';
  }
}

export function lightName(l: string): string {
  const k = `appeal.lights.${l}`;
  return te(k) ? t(k) : l;
}

export const LIGHT_COLOR: Record<string, string> = {
  green: '#16a34a',
  yellow: '#eab308',
  red: '#dc2626',
  paused: '#94a3b8',
  none: '#e5e7eb',
};

/** A duration as the largest one or two units: "2 天 3 小时", "45 分钟". */
export function span(ms: number): string {
  const min = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d > 0) return h > 0 ? `${t('appeal.days', { n: d })} ${t('appeal.hours', { n: h })}` : t('appeal.days', { n: d });
  if (h > 0) return t('appeal.hours', { n: h });
  return t('appeal.minutes', { n: m });
}

/** "还剩 X" or "逾期 X" for a deadline (by the browser's clock). */
export function dueText(due: string | null | undefined, now = Date.now()): { text: string; late: boolean } | null {
  if (!due) return null;
  const ms = new Date(due).getTime() - now;
  return ms >= 0 ? { text: t('appeal.left', { t: span(ms) }), late: false } : { text: t('appeal.late', { t: span(ms) }), late: true };
}

/**
 * The deadline label for an appeal's light: the browser's "还剩/逾期 X", except that the server's
 * clock decides whether it is late (a red light is never shown as time left).
 */
export function dueLabel(due: string | null | undefined, light: string, now = Date.now()): { text: string; late: boolean } | null {
  const d = dueText(due, now);
  if (!d) return null;
  if (light === 'red' && !d.late) return { text: lightName('red'), late: true };
  if (light !== 'red' && d.late) return { text: lightName(light), late: false };
  return d;
}

/** `1wd` → "1 个工作日", `4h` → "4 小时". */
export function limitText(limit: string): string {
  const m = /^(\d+)(wd|h)$/.exec(limit.trim());
  if (!m) return limit;
  return t(`appealLimit.${m[2]}`, { n: Number(m[1]) });
}

/** The event name of a timeline entry. */
export function eventName(action: string): string {
  const k = `appeal.events.${action}`;
  return te(k) ? t(k) : action;
}

export function actionName(action: string): string {
  const k = `appeal.actions.${action}`;
  return te(k) ? t(k) : action;
}

/** Today in Asia/Shanghai, YYYY-MM-DD. */
export function zoneToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
