import { onBeforeUnmount, onMounted } from 'vue';
import { ElMessage, ElMessageBox } from 'element-plus';
import { useRouter } from 'vue-router';
import { lastApiActivity, onApiActivity } from '../api/client';
import { useAuthStore } from '../stores/auth';
import { i18n } from '../i18n';

const WARN_BEFORE_MS = 2 * 60 * 1000;
const TICK_MS = 5000;

/**
 * Warns 2 minutes before the session expires (idle timeout after the last API call, or the
 * absolute `expires_at`, whichever is first), offers 续期 (GET /auth/me touches the session),
 * and sends the user to the login page when it has expired.
 */
export function useSessionWatch() {
  const auth = useAuthStore();
  const router = useRouter();
  const { t } = i18n.global;
  let warning = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let offActivity: (() => void) | undefined;

  function deadline(): number {
    const me = auth.me;
    if (!me) return Number.POSITIVE_INFINITY;
    const idle = me.idle_timeout_secs > 0 ? lastApiActivity() + me.idle_timeout_secs * 1000 : Number.POSITIVE_INFINITY;
    const abs = me.expires_at ? Date.parse(me.expires_at) : Number.NaN;
    return Math.min(idle, Number.isNaN(abs) ? Number.POSITIVE_INFINITY : abs);
  }

  async function renew() {
    try {
      await auth.refresh();
      ElMessage({ type: 'success', message: t('session.renewed') });
    } catch {
      // 401 is handled by the client (→ login).
    }
  }

  function expire() {
    if (warning) ElMessageBox.close();
    warning = false;
    auth.clear();
    ElMessage({ type: 'warning', message: t('session.expired'), grouping: true });
    void router.push({ name: 'login', query: { expired: '1', redirect: router.currentRoute.value.fullPath } });
  }

  function check() {
    if (!auth.me) return;
    const left = deadline() - Date.now();
    if (left <= 0) return expire();
    if (left <= WARN_BEFORE_MS && !warning) {
      warning = true;
      ElMessageBox.confirm(t('session.expiringBody', { minutes: Math.max(1, Math.ceil(left / 60000)) }), t('session.expiringTitle'), {
        confirmButtonText: t('session.renew'),
        cancelButtonText: t('session.later'),
        type: 'warning',
        customClass: 'yq-session-box',
        confirmButtonClass: 'yq-session-renew',
      })
        .then(renew)
        .catch(() => {})
        .finally(() => {
          warning = false;
        });
    }
  }

  onMounted(() => {
    timer = setInterval(check, TICK_MS);
    // Any API call pushes the idle deadline back: close a warning that is no longer true.
    offActivity = onApiActivity(() => {
      if (warning && deadline() - Date.now() > WARN_BEFORE_MS) {
        ElMessageBox.close();
        warning = false;
      }
    });
  });
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer);
    offActivity?.();
  });
}
