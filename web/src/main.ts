import { createApp } from 'vue';
import { createPinia } from 'pinia';
import ElementPlus, { ElMessage } from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import { configureApi } from './api/client';
import { useAuthStore } from './stores/auth';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(i18n);
app.use(ElementPlus);

const auth = useAuthStore(pinia);
configureApi({
  csrfToken: () => auth.csrfToken,
  onUnauthorized: () => {
    const wasLoggedIn = auth.loggedIn;
    auth.clear();
    const current = router.currentRoute.value;
    if (current.name === 'login') return;
    if (wasLoggedIn) ElMessage({ type: 'warning', message: i18n.global.t('session.expired'), grouping: true });
    void router.push({ name: 'login', query: { redirect: current.fullPath, expired: wasLoggedIn ? '1' : undefined } });
  },
  onPasswordChangeRequired: () => {
    if (auth.me) auth.me.must_change_password = true;
    void router.push({ name: 'profile', query: { pw: '1' } });
  },
});

app.use(router);
void router.isReady().then(() => app.mount('#app'));
