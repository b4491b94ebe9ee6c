import { ElMessage } from 'element-plus';
import { i18n } from '../i18n';
import { isApiError } from '../api/client';

const { t, te } = i18n.global;

/** The translated message for an error `code` (top-level or `errors[].code`). */
export function codeMessage(code: string, params: Record<string, unknown> = {}): string {
  const key = `errors.${code}`;
  return te(key) ? t(key, params) : t('errors.unknown', { code });
}

/** A user-facing message for anything thrown by the API client. */
export function errorMessage(e: unknown): string {
  if (!isApiError(e)) return t('errors.unknown', { code: e instanceof Error ? e.message : String(e) });
  const params = {
    minutes: Math.max(1, Math.ceil((e.retryAfter ?? 900) / 60)),
    seconds: e.retryAfter ?? 60,
  };
  let msg = codeMessage(e.code, params);
  // A validation failure without field errors the form can place: list them in the message.
  if (e.code === 'validation.failed' && e.errors.length) {
    msg += '：' + e.errors.map((fe) => `${fe.field ? fieldLabel(fe.field) + ' ' : ''}${codeMessage(fe.code)}`).join('；');
  }
  if (e.status >= 500 && e.requestId) msg += ` (${t('errors.requestId', { id: e.requestId })})`;
  return msg;
}

export function fieldLabel(field: string): string {
  const key = `fields.${field}`;
  return te(key) ? t(key) : field;
}

/** Conflicts that belong under one form field. */
const CONFLICT_FIELDS: Record<string, string> = {
  'user.login_taken': 'login',
  'park.code_taken': 'code',
  'enterprise.uscc_taken': 'uscc',
};

/** Shows the error as a toast; returns the API error's field errors (translated) for forms. */
export function showError(e: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (isApiError(e)) {
    for (const [f, c] of Object.entries(e.fieldErrors())) fields[f] = codeMessage(c);
    const conflictField = CONFLICT_FIELDS[e.code];
    if (conflictField) fields[conflictField] = codeMessage(e.code);
    // 401 and password-change redirects are handled by the client; do not double up with a toast.
    if (e.status === 401 || e.code === 'auth.password_change_required') return fields;
  }
  ElMessage({ type: 'error', message: errorMessage(e), grouping: true, customClass: 'yq-error-toast' });
  return fields;
}
