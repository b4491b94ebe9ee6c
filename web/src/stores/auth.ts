import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, type MeDto, type SecondFactorDto } from '../api/client';

export const useAuthStore = defineStore('auth', () => {
  const me = ref<MeDto | null>(null);
  /** True once we asked the server whether a session exists. */
  const checked = ref(false);

  const permissions = computed(() => new Set(me.value?.permissions ?? []));
  const loggedIn = computed(() => me.value !== null);
  const mustChangePassword = computed(() => me.value?.must_change_password === true);
  /** Set between the password and the authenticator code (AUTH-04). */
  const pending = ref<SecondFactorDto | null>(null);
  const csrfToken = computed(() => me.value?.csrf_token ?? pending.value?.csrf_token ?? null);
  const enrolmentRequired = computed(() => me.value?.second_factor_enrolment_required === true);

  function has(perm: string | undefined): boolean {
    return !perm || permissions.value.has(perm);
  }

  /** Loads the session once (on first navigation). 401 just means "not logged in". */
  async function ensureLoaded(): Promise<void> {
    if (checked.value) return;
    try {
      me.value = await api.me();
    } catch {
      me.value = null;
    } finally {
      checked.value = true;
    }
  }

  async function refresh(): Promise<MeDto> {
    const m = await api.me();
    me.value = m;
    return m;
  }

  /** The password step: signed in, or `null` when the authenticator code is due (`pending`). */
  async function login(zone: string, login: string, password: string): Promise<MeDto | null> {
    const m = await api.login({ zone, login, password });
    checked.value = true;
    if ('second_factor' in m) {
      pending.value = m as SecondFactorDto;
      me.value = null;
      return null;
    }
    pending.value = null;
    me.value = m as MeDto;
    return me.value;
  }

  /** The code step: upgrades the pending session to a full one. */
  async function verifyCode(code: string): Promise<MeDto> {
    const m = await api.verifyTotp(code);
    pending.value = null;
    me.value = m;
    return m;
  }

  async function logout(): Promise<void> {
    try {
      await api.logout();
    } finally {
      clear();
    }
  }

  function clear(): void {
    me.value = null;
    pending.value = null;
    checked.value = true;
  }

  return {
    me, checked, permissions, loggedIn, mustChangePassword, enrolmentRequired, pending, csrfToken, has, ensureLoaded, refresh,
    login, verifyCode, logout, clear,
  };
});
