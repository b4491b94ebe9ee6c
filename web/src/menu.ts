import type { Component } from 'vue';
import {
  Coin,
  DataAnalysis,
  DataLine,
  Document,
  EditPen,
  House,
  Key,
  Bell,
  Connection,
  OfficeBuilding,
  School,
  Tickets,
  TrendCharts,
  User,
  UserFilled,
  Lock,
  Promotion,
  Warning,
  ChatLineSquare,
  List,
  PieChart,
  Setting,
  Flag,
  Calendar,
  Finished,
  Medal,
  Odometer,
  Memo,
  Share,
  Trophy,
  StarFilled,
  Checked,
} from '@element-plus/icons-vue';

export interface MenuItem {
  /** Used for the route name, the i18n key `menu.<key>` and the test id `menu-<key>`. */
  key: string;
  path: string;
  icon: Component;
  /** The permission from `MeDto.permissions` the page needs; none = every logged-in user. */
  perm?: string;
  /** Hidden from holders of this permission (zone-wide pages an enterprise account, which has its own, may not use). */
  hideWith?: string;
  /** Only for an enterprise account (true) or only for other accounts (false); `:own` in the
   * path is the account's enterprise. */
  enterprise?: boolean;
  /** The i18n key (`menu.<key>`) of the title an enterprise account sees, if it differs. */
  enterpriseLabel?: string;
  /** The i18n key (`menu.<key>`) of the title for other accounts, if it differs from `key`. */
  staffLabel?: string;
  /** Filled by `visibleMenu`: the i18n key of the title for this account. */
  label?: string;
}

export interface MenuGroup {
  key: string;
  icon: Component;
  items: MenuItem[];
}

export const HOME: MenuItem = { key: 'home', path: '/', icon: House };

/** The side menu, grouped by module. The router uses the same permissions. */
export const MENU: MenuGroup[] = [
  {
    key: 'system',
    icon: Coin,
    items: [
      { key: 'users', path: '/users', icon: User, perm: 'user.read' },
      { key: 'departments', path: '/departments', icon: School, perm: 'department.read' },
      { key: 'roles', path: '/roles', icon: Lock, perm: 'role.read' },
      { key: 'webhooks', path: '/webhooks', icon: Connection, perm: 'notify.manage' },
    ],
  },
  {
    key: 'zone',
    icon: OfficeBuilding,
    items: [
      { key: 'parks', path: '/parks', icon: OfficeBuilding, perm: 'park.read' },
      { key: 'enterprises', path: '/enterprises', icon: Tickets, perm: 'enterprise.read', enterprise: false },
      { key: 'ownEnterprise', path: '/enterprises/:own', icon: Tickets, perm: 'enterprise.read', enterprise: true },
    ],
  },
  {
    key: 'economy',
    icon: TrendCharts,
    items: [
      { key: 'economy', path: '/economy', icon: DataLine, perm: 'economy.read' },
      { key: 'evaluations', path: '/evaluations', icon: DataAnalysis, perm: 'stats.read', hideWith: 'stats.report' },
      { key: 'evaluationsMine', path: '/evaluations/mine', icon: DataAnalysis, perm: 'stats.report' },
      { key: 'statsMy', path: '/stats/my', icon: EditPen, perm: 'stats.report' },
      { key: 'statsReports', path: '/stats/reports', icon: DataLine, perm: 'stats.review' },
      { key: 'statsWarnings', path: '/stats/warnings', icon: Warning, perm: 'stats.read', hideWith: 'stats.report' },
    ],
  },
  {
    key: 'service',
    icon: Promotion,
    items: [{ key: 'visits', path: '/visits', icon: Promotion, perm: 'visit.read' }],
  },
  {
    key: 'appeals',
    icon: ChatLineSquare,
    items: [
      { key: 'appealsMine', path: '/appeals?view=mine', icon: Bell, perm: 'appeal.handle' },
      { key: 'appeals', path: '/appeals', icon: List, perm: 'appeal.read', enterpriseLabel: 'appealsOwn' },
      { key: 'appealNew', path: '/appeals/new', icon: EditPen, perm: 'appeal.file', staffLabel: 'appealNewStaff' },
      { key: 'appealsDashboard', path: '/appeals/dashboard', icon: PieChart, perm: 'appeal.read', enterprise: false },
      { key: 'appealRules', path: '/appeals/rules', icon: Setting, perm: 'appeal.configure' },
    ],
  },
  {
    key: 'supervision',
    icon: Flag,
    items: [
      { key: 'svItems', path: '/supervision', icon: List, perm: 'supervision.read' },
      { key: 'svNew', path: '/supervision/new', icon: EditPen, perm: 'supervision.manage' },
      { key: 'svBrief', path: '/supervision/brief', icon: Memo, perm: 'supervision.read' },
      { key: 'svMeetings', path: '/supervision/meetings', icon: Calendar, perm: 'supervision.read' },
      { key: 'svFollowUps', path: '/supervision/follow-ups', icon: Finished, perm: 'supervision.read' },
      { key: 'svScoreboard', path: '/supervision/scoreboard', icon: Medal, perm: 'supervision.read' },
      { key: 'svDashboard', path: '/supervision/dashboard', icon: Odometer, perm: 'supervision.read' },
      { key: 'svRules', path: '/supervision/rules', icon: Setting, perm: 'supervision.manage' },
    ],
  },
  {
    key: 'party',
    icon: StarFilled,
    items: [
      { key: 'partyOrgs', path: '/party/orgs', icon: Share, perm: 'party.read' },
      { key: 'partyMembers', path: '/party/members', icon: UserFilled, perm: 'party.read' },
      { key: 'partyActivities', path: '/party/activities', icon: Calendar, perm: 'party.read' },
      { key: 'partyCompliance', path: '/party/compliance', icon: Checked, perm: 'party.read' },
      { key: 'partyDesignations', path: '/party/designations', icon: Flag, perm: 'party.read' },
      { key: 'partyHonourWall', path: '/party/honour-wall', icon: Trophy, perm: 'party.public' },
      { key: 'partyAlliances', path: '/party/alliances', icon: Connection, perm: 'party.read' },
      { key: 'partyDashboard', path: '/party/dashboard', icon: PieChart, perm: 'party.read' },
    ],
  },
  {
    key: 'security',
    icon: Document,
    items: [{ key: 'audit', path: '/audit', icon: Document, perm: 'audit.read' }],
  },
  {
    key: 'personal',
    icon: UserFilled,
    items: [
      { key: 'inbox', path: '/inbox', icon: Bell },
      { key: 'tokens', path: '/tokens', icon: Key, perm: 'token.own' },
      { key: 'profile', path: '/profile', icon: UserFilled },
    ],
  },
];

export function findMenu(key: string): { group?: MenuGroup; item?: MenuItem } {
  if (key === HOME.key) return { item: HOME };
  for (const group of MENU) {
    const item = group.items.find((i) => i.key === key);
    if (item) return { group, item };
  }
  return {};
}

/** The groups and items the given permission check allows (`enterpriseId`: the account's enterprise, if any). */
export function visibleMenu(has: (perm?: string) => boolean, enterpriseId?: string | null): MenuGroup[] {
  const fits = (i: MenuItem) =>
    has(i.perm) && !(i.hideWith && has(i.hideWith)) && (i.enterprise === undefined || i.enterprise === !!enterpriseId);
  const own = (i: MenuItem): MenuItem => ({
    ...i,
    path: i.path.replace(':own', enterpriseId ?? ''),
    label: (enterpriseId ? i.enterpriseLabel : i.staffLabel) ?? i.key,
  });
  return MENU.map((g) => ({ ...g, items: g.items.filter(fits).map(own) })).filter((g) => g.items.length > 0);
}
