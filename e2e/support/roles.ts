/**
 * The backend's role → permission matrix (crates/yuanqu-domain/src/identity/role.rs, served by
 * GET /api/v1/roles) and what the side menu must show for it.
 */
export const ROLE_PERMISSIONS: Record<string, string[]> = {
  system_admin: [
    'calendar.manage', 'appeal.configure', 'notify.manage',
    'user.read', 'user.write', 'personal.reveal', 'department.read', 'department.write', 'role.read',
    'park.read', 'park.write', 'enterprise.read', 'enterprise.write', 'token.own', 'metrics.read',
    'file.upload', 'file.read',
  ],
  security_admin: [
    'user.read', 'user.unlock', 'personal.reveal', 'role.read', 'department.read', 'token.own',
    'metrics.read', 'file.upload', 'file.read', 'zone.security', 'export.approve',
  ],
  audit_admin: ['audit.read', 'user.read', 'role.read', 'token.own'],
  zone_leader: [
    'user.read', 'department.read', 'role.read', 'park.read', 'enterprise.read', 'token.own', 'file.upload',
    'file.read', 'stats.read', 'economy.read', 'appeal.file', 'appeal.read', 'appeal.lead', 'appeal.configure',
    'visit.read', 'visit.manage', 'supervision.read', 'supervision.manage', 'party.public', 'party.read',
  ],
  department_staff: [
    'department.read', 'park.read', 'enterprise.read', 'enterprise.write', 'token.own', 'file.upload',
    'file.read', 'stats.read', 'stats.review', 'evaluation.manage', 'economy.read', 'appeal.file', 'appeal.read',
    'appeal.handle', 'visit.read', 'visit.manage', 'supervision.read', 'supervision.report', 'party.public',
  ],
  party_staff: [
    'department.read', 'park.read', 'enterprise.read', 'token.own', 'file.upload', 'file.read', 'party.public',
    'party.read', 'party.record', 'party.manage', 'party.reveal',
  ],
  branch_secretary: ['file.upload', 'file.read', 'party.public', 'party.read', 'party.record'],
  inspector: ['park.read', 'enterprise.read', 'file.upload', 'file.read', 'party.public'],
  enterprise: [
    'enterprise.read', 'token.own', 'file.upload', 'file.read', 'stats.read', 'stats.report', 'appeal.file',
    'appeal.read', 'party.public',
  ],
  worker: ['file.upload', 'file.read', 'party.public'],
  province_observer: ['park.read', 'economy.read'],
};

/** The demo zone's accounts (zone code `demo`, password $DEMO_PASSWORD). */
export const DEMO_ACCOUNTS: { login: string; role: string }[] = [
  { login: 'admin', role: 'system_admin' },
  { login: 'security', role: 'security_admin' },
  { login: 'auditor', role: 'audit_admin' },
  { login: 'leader', role: 'zone_leader' },
  { login: 'staff', role: 'department_staff' },
  { login: 'party', role: 'party_staff' },
  { login: 'secretary', role: 'branch_secretary' },
  { login: 'inspector', role: 'inspector' },
  { login: 'enterprise', role: 'enterprise' },
  { login: 'worker', role: 'worker' },
  { login: 'observer', role: 'province_observer' },
];

/** Side-menu entry (test id `menu-<key>`) → the permission it needs. */
export const MENU_PERMISSION: Record<string, string> = {
  users: 'user.read',
  departments: 'department.read',
  roles: 'role.read',
  parks: 'park.read',
  enterprises: 'enterprise.read',
  ownEnterprise: 'enterprise.read',
  economy: 'economy.read',
  tokens: 'token.own',
  audit: 'audit.read',
  evaluations: 'stats.read',
  evaluationsMine: 'stats.report',
  statsMy: 'stats.report',
  statsReports: 'stats.review',
  statsWarnings: 'stats.read',
  webhooks: 'notify.manage',
  visits: 'visit.read',
  appealsMine: 'appeal.handle',
  appeals: 'appeal.read',
  appealNew: 'appeal.file',
  appealsDashboard: 'appeal.read',
  appealRules: 'appeal.configure',
  svItems: 'supervision.read',
  svNew: 'supervision.manage',
  svBrief: 'supervision.read',
  svMeetings: 'supervision.read',
  svFollowUps: 'supervision.read',
  svScoreboard: 'supervision.read',
  svDashboard: 'supervision.read',
  svRules: 'supervision.manage',
  partyOrgs: 'party.read',
  partyMembers: 'party.read',
  partyActivities: 'party.read',
  partyCompliance: 'party.read',
  partyDesignations: 'party.read',
  partyHonourWall: 'party.public',
  partyAlliances: 'party.read',
  partyDashboard: 'party.read',
};

/** Menu entries hidden from holders of a permission (enterprise accounts have their own page). */
export const MENU_HIDDEN_WITH: Record<string, string> = {
  evaluations: 'stats.report',
  statsWarnings: 'stats.report',
};

/** Entries only an enterprise account sees (true) or only other accounts see (false). */
export const MENU_ENTERPRISE: Record<string, boolean> = {
  enterprises: false,
  ownEnterprise: true,
  appealsDashboard: false,
};

/** Entries every logged-in user has: the home page, the inbox and the profile. */
export const ALWAYS_IN_MENU = ['home', 'inbox', 'profile'];

export function can(role: string, perm: string): boolean {
  return (ROLE_PERMISSIONS[role] ?? []).includes(perm);
}

/** The menu keys a role must see, sorted. */
export function expectedMenu(role: string): string[] {
  const keys = Object.entries(MENU_PERMISSION)
    .filter(([key, perm]) => can(role, perm) && !(MENU_HIDDEN_WITH[key] && can(role, MENU_HIDDEN_WITH[key]!)))
    .filter(([key]) => MENU_ENTERPRISE[key] === undefined || MENU_ENTERPRISE[key] === (role === 'enterprise'))
    .map(([key]) => key);
  return [...ALWAYS_IN_MENU, ...keys].sort();
}
