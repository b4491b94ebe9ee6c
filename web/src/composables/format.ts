import { i18n } from '../i18n';

const ZONE_TZ = 'Asia/Shanghai';

/** A timestamp as the zone's local time (Asia/Shanghai), e.g. 2026-11-26 18:20. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE_TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

/** The role's name in the current language (falls back to the server's Chinese name or the code). */
export function roleName(code: string | null | undefined, fallback?: string): string {
  if (!code) return '—';
  const key = `role.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : (fallback ?? code);
}

export function permName(code: string): string {
  const key = `perm.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : code;
}

export const ROLE_CODES = [
  'zone_leader',
  'department_staff',
  'party_staff',
  'branch_secretary',
  'inspector',
  'enterprise',
  'worker',
  'province_observer',
  'system_admin',
  'security_admin',
  'audit_admin',
] as const;
