import type { FormItemRule } from 'element-plus';
import { i18n } from '../i18n';

const t = (k: string, p: Record<string, unknown> = {}) => i18n.global.t(k, p);

// Client-side checks mirror the server's so mistakes show while typing; the server stays the
// judge and its field errors are shown under the same fields.
export const LOGIN_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/;
export const PASSWORD_MIN = 8;

export function passwordClasses(p: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export const USCC_RE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** GB 32100-2015 check character (the 18th). */
export function usccCheckOk(code: string): boolean {
  if (!USCC_RE.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code.charAt(i)) * USCC_WEIGHTS[i]!;
  const c = (31 - (sum % 31)) % 31;
  return USCC_CHARS.charAt(c) === code.charAt(17);
}

type Validator = NonNullable<FormItemRule['validator']>;

export function required(fieldKey: string, trigger: string | string[] = 'change'): FormItemRule {
  return { required: true, trigger, validator: ((_r, v, cb) => (v === null || v === undefined || String(v).trim() === '' ? cb(new Error(t('validation.required', { field: t(fieldKey) }))) : cb())) as Validator };
}

export function maxLength(n: number): FormItemRule {
  return { trigger: 'change', validator: ((_r, v, cb) => (v && String(v).length > n ? cb(new Error(t('validation.maxLength', { n }))) : cb())) as Validator };
}

export const loginRule: FormItemRule = {
  trigger: 'change',
  validator: ((_r, v, cb) => (v && !LOGIN_RE.test(String(v)) ? cb(new Error(t('validation.loginFormat'))) : cb())) as Validator,
};

export const passwordRule: FormItemRule = {
  trigger: 'change',
  validator: ((_r, v, cb) => {
    const s = String(v ?? '');
    if (!s) return cb();
    if (s.length < PASSWORD_MIN) return cb(new Error(t('validation.passwordLength', { n: PASSWORD_MIN })));
    if (passwordClasses(s) < 3) return cb(new Error(t('validation.passwordClasses')));
    cb();
  }) as Validator,
};

export const usccRule: FormItemRule = {
  trigger: 'change',
  validator: ((_r, v, cb) => {
    const s = String(v ?? '');
    if (!s) return cb();
    if (!USCC_RE.test(s)) return cb(new Error(t('validation.usccFormat')));
    if (!usccCheckOk(s)) return cb(new Error(t('validation.usccCheck')));
    cb();
  }) as Validator,
};

export const phoneRule: FormItemRule = {
  trigger: 'change',
  validator: ((_r, v, cb) => (v && !/^1[3-9][0-9]{9}$/.test(String(v)) ? cb(new Error(t('validation.phoneFormat'))) : cb())) as Validator,
};
