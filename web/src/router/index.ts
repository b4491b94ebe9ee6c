import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from '../stores/auth';
import { i18n } from '../i18n';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    /** Permission needed; without it the user is sent to /403. */
    perm?: string;
    /** Menu key: title and breadcrumb come from `menu.<key>` and its group. */
    menuKey?: string;
    /** i18n key of the title when the page is not in the menu. */
    titleKey?: string;
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { public: true, titleKey: 'login.title' } },
  {
    path: '/',
    component: () => import('../layouts/AdminLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('../views/HomeView.vue'), meta: { menuKey: 'home' } },
      { path: 'users', name: 'users', component: () => import('../views/UsersView.vue'), meta: { menuKey: 'users', perm: 'user.read' } },
      { path: 'departments', name: 'departments', component: () => import('../views/DepartmentsView.vue'), meta: { menuKey: 'departments', perm: 'department.read' } },
      { path: 'roles', name: 'roles', component: () => import('../views/RolesView.vue'), meta: { menuKey: 'roles', perm: 'role.read' } },
      { path: 'parks', name: 'parks', component: () => import('../views/ParksView.vue'), meta: { menuKey: 'parks', perm: 'park.read' } },
      { path: 'enterprises', name: 'enterprises', component: () => import('../views/EnterprisesView.vue'), meta: { menuKey: 'enterprises', perm: 'enterprise.read' } },
      { path: 'economy', name: 'economy', component: () => import('../views/EconomyView.vue'), meta: { menuKey: 'economy', perm: 'economy.read' } },
      { path: 'evaluations', name: 'evaluations', component: () => import('../views/EvaluationsView.vue'), meta: { menuKey: 'evaluations', perm: 'stats.read' } },
      { path: 'evaluations/mine', name: 'evaluationsMine', component: () => import('../views/MyEvaluationsView.vue'), meta: { menuKey: 'evaluationsMine', perm: 'stats.report' } },
      { path: 'stats/my', name: 'statsMy', component: () => import('../views/stats/StatsMyView.vue'), meta: { menuKey: 'statsMy', perm: 'stats.report' } },
      { path: 'stats/reports', name: 'statsReports', component: () => import('../views/stats/StatsReportsView.vue'), meta: { menuKey: 'statsReports', perm: 'stats.review' } },
      { path: 'stats/warnings', name: 'statsWarnings', component: () => import('../views/stats/StatsWarningsView.vue'), meta: { menuKey: 'statsWarnings', perm: 'stats.read' } },
      { path: 'appeals', name: 'appeals', component: () => import('../views/appeals/AppealsView.vue'), meta: { menuKey: 'appeals', perm: 'appeal.read' } },
      { path: 'appeals/new', name: 'appealNew', component: () => import('../views/appeals/AppealNewView.vue'), meta: { menuKey: 'appealNew', perm: 'appeal.file' } },
      { path: 'appeals/dashboard', name: 'appealsDashboard', component: () => import('../views/appeals/AppealsDashboardView.vue'), meta: { menuKey: 'appealsDashboard', perm: 'appeal.read' } },
      { path: 'appeals/rules', name: 'appealRules', component: () => import('../views/appeals/AppealRulesView.vue'), meta: { menuKey: 'appealRules', perm: 'appeal.configure' } },
      { path: 'appeals/:id', name: 'appeal', component: () => import('../views/appeals/AppealView.vue'), meta: { titleKey: 'appeal.title', perm: 'appeal.read' } },
      { path: 'supervision', name: 'svItems', component: () => import('../views/supervision/SvItemsView.vue'), meta: { menuKey: 'svItems', perm: 'supervision.read' } },
      { path: 'supervision/new', name: 'svNew', component: () => import('../views/supervision/SvNewView.vue'), meta: { menuKey: 'svNew', perm: 'supervision.manage' } },
      { path: 'supervision/items/:id', name: 'svItem', component: () => import('../views/supervision/SvItemView.vue'), meta: { titleKey: 'sv.itemTitle', perm: 'supervision.read' } },
      { path: 'supervision/brief', name: 'svBrief', component: () => import('../views/supervision/SvBriefView.vue'), meta: { menuKey: 'svBrief', perm: 'supervision.read' } },
      { path: 'supervision/meetings', name: 'svMeetings', component: () => import('../views/supervision/SvMeetingsView.vue'), meta: { menuKey: 'svMeetings', perm: 'supervision.read' } },
      { path: 'supervision/follow-ups', name: 'svFollowUps', component: () => import('../views/supervision/SvFollowUpsView.vue'), meta: { menuKey: 'svFollowUps', perm: 'supervision.read' } },
      { path: 'supervision/scoreboard', name: 'svScoreboard', component: () => import('../views/supervision/SvScoreboardView.vue'), meta: { menuKey: 'svScoreboard', perm: 'supervision.read' } },
      { path: 'supervision/dashboard', name: 'svDashboard', component: () => import('../views/supervision/SvDashboardView.vue'), meta: { menuKey: 'svDashboard', perm: 'supervision.read' } },
      { path: 'supervision/rules', name: 'svRules', component: () => import('../views/supervision/SvRulesView.vue'), meta: { menuKey: 'svRules', perm: 'supervision.manage' } },
      { path: 'party/orgs', name: 'partyOrgs', component: () => import('../views/party/PartyOrgsView.vue'), meta: { menuKey: 'partyOrgs', perm: 'party.read' } },
      { path: 'party/orgs/:id', name: 'partyOrg', component: () => import('../views/party/PartyOrgView.vue'), meta: { titleKey: 'party.org.title', perm: 'party.read' } },
      { path: 'party/members', name: 'partyMembers', component: () => import('../views/party/PartyMembersView.vue'), meta: { menuKey: 'partyMembers', perm: 'party.read' } },
      { path: 'party/activities', name: 'partyActivities', component: () => import('../views/party/PartyActivitiesView.vue'), meta: { menuKey: 'partyActivities', perm: 'party.read' } },
      { path: 'party/compliance', name: 'partyCompliance', component: () => import('../views/party/PartyComplianceView.vue'), meta: { menuKey: 'partyCompliance', perm: 'party.read' } },
      { path: 'party/designations', name: 'partyDesignations', component: () => import('../views/party/PartyDesignationsView.vue'), meta: { menuKey: 'partyDesignations', perm: 'party.read' } },
      { path: 'party/honour-wall', name: 'partyHonourWall', component: () => import('../views/party/PartyHonourWallView.vue'), meta: { menuKey: 'partyHonourWall', perm: 'party.public' } },
      { path: 'party/alliances', name: 'partyAlliances', component: () => import('../views/party/PartyAlliancesView.vue'), meta: { menuKey: 'partyAlliances', perm: 'party.read' } },
      { path: 'party/dashboard', name: 'partyDashboard', component: () => import('../views/party/PartyDashboardView.vue'), meta: { menuKey: 'partyDashboard', perm: 'party.read' } },
      { path: 'enterprises/:id', name: 'enterprise', component: () => import('../views/EnterpriseView.vue'), meta: { titleKey: 'enterprise.title', perm: 'enterprise.read' } },
      { path: 'inbox', name: 'inbox', component: () => import('../views/InboxView.vue'), meta: { menuKey: 'inbox' } },
      { path: 'webhooks', name: 'webhooks', component: () => import('../views/WebhooksView.vue'), meta: { menuKey: 'webhooks', perm: 'notify.manage' } },
      { path: 'visits', name: 'visits', component: () => import('../views/VisitsView.vue'), meta: { menuKey: 'visits', perm: 'visit.read' } },
      { path: 'visits/:id', name: 'visit', component: () => import('../views/VisitView.vue'), meta: { titleKey: 'visits.detailTitle', perm: 'visit.read' } },
      { path: 'tokens', name: 'tokens', component: () => import('../views/TokensView.vue'), meta: { menuKey: 'tokens', perm: 'token.own' } },
      { path: 'audit', name: 'audit', component: () => import('../views/AuditView.vue'), meta: { menuKey: 'audit', perm: 'audit.read' } },
      { path: 'profile', name: 'profile', component: () => import('../views/ProfileView.vue'), meta: { menuKey: 'profile' } },
      { path: '403', name: 'forbidden', component: () => import('../views/ForbiddenView.vue'), meta: { titleKey: 'forbidden.title' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { titleKey: 'notFound.title' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

/** Only same-app paths may be used as a post-login redirect. */
export function safeRedirect(v: unknown): string {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/login') ? v : '/';
}

router.beforeEach(async (to) => {
  const auth = useAuthStore();
  await auth.ensureLoaded();
  if (to.meta.public) {
    if (to.name === 'login' && auth.loggedIn) return safeRedirect(to.query.redirect);
    return true;
  }
  if (!auth.loggedIn) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  }
  if (auth.mustChangePassword && to.name !== 'profile') return { name: 'profile', query: { pw: '1' } };
  if (auth.enrolmentRequired && to.name !== 'profile') return { name: 'profile', query: { totp: '1' } };
  if (to.meta.perm && !auth.has(to.meta.perm)) return { name: 'forbidden', query: { from: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  const { t } = i18n.global;
  const key = to.meta.menuKey ? `menu.${to.meta.menuKey}` : to.meta.titleKey;
  document.title = key ? `${t(key)} · ${t('app.name')}` : t('app.fullName');
});
