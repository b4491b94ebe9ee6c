import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, type MeDto } from '../api/client';

export const useAuthStore = defineStore('auth', () => {
  const me = ref<MeDto | null>(null);
  /** True once we asked the server whether a session exists. */
  const checked = ref(false);

  const permissions = computed(() => new Set(me.value?.permissions ?? []));
  const loggedIn = computed(() => me.value !== null);
  const mustChangePassword = computed(() => me.value?.must_change_password === true);
  const csrfToken = computed(() => me.value?.csrf_token ?? null);

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

  async function login(zone: string, login: string, password: string): Promise<MeDto> {
    const m = await api.login({ zone, login, password });
    me.value = m;
    checked.value = true;
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
    checked.value = true;
  }

  return { me, checked, permissions, loggedIn, mustChangePassword, csrfToken, has, ensureLoaded, refresh, login, logout, clear };
});
