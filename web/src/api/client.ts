/**
 * The one API client of the web UI. Every HTTP call goes through here.
 *
 * - base `/api/v1`, cookies same-origin;
 * - `X-CSRF-Token` on unsafe methods (from the auth store, via `configureApi`);
 * - `If-Match: "<version>"` on PATCH (helpers below);
 * - problem+json → `ApiError` carrying `code`, `status`, `errors[]`;
 * - 401 → login, 403 `auth.password_change_required` → profile password form.
 *
 * Types come from `schema.d.ts`, generated from `openapi.json` by `npm run gen:api`.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

type Schemas = components['schemas'];
export type MeDto = Schemas['MeDto'];
export type UserDto = Schemas['UserDto'];
export type NewUserDto = Schemas['NewUserDto'];
export type UserPatchDto = Schemas['UserPatchDto'];
export type DepartmentDto = Schemas['DepartmentDto'];
export type NewDepartmentDto = Schemas['NewDepartmentDto'];
export type DepartmentPatchDto = Schemas['DepartmentPatchDto'];
export type RoleDto = Schemas['RoleDto'];
export type RolesDto = Schemas['RolesDto'];
export type ExportRequestDto = Schemas['ExportRequestDto'];
export type ParkDto = Schemas['ParkDto'];
export type NewParkDto = Schemas['NewParkDto'];
export type ParkPatchDto = Schemas['ParkPatchDto'];
export type EnterpriseDto = Schemas['EnterpriseDto'];
export type NewEnterpriseDto = Schemas['NewEnterpriseDto'];
export type EnterprisePatchDto = Schemas['EnterprisePatchDto'];
export type ContactDto = Schemas['ContactDto'];
export type NewContactDto = Schemas['NewContactDto'];
export type StatusChangeDto = Schemas['StatusChangeDto'];
export type StatusChangeRequestDto = Schemas['StatusChangeRequestDto'];
export type TimelineEventDto = Schemas['TimelineEventDto'];
export type SectionDto = Schemas['SectionDto'];
export type NewIndustryCodeDto = Schemas['NewIndustryCodeDto'];
export type ApiTokenDto = Schemas['ApiTokenDto'];
export type NewApiTokenDto = Schemas['NewApiTokenDto'];
export type NewApiTokenRequestDto = Schemas['NewApiTokenRequestDto'];
export type AuditDto = Schemas['AuditDto'];
export type AuditVerifyDto = Schemas['AuditVerifyDto'];
export type LoginDto = Schemas['LoginDto'];
export type SecondFactorDto = Schemas['SecondFactorDto'];
export type EnrolmentDto = Schemas['EnrolmentDto'];
export type ZoneSecurityDto = Schemas['ZoneSecurityDto'];
export type ChangePasswordDto = Schemas['ChangePasswordDto'];
export type Problem = Schemas['Problem'];
export type UserPage = Schemas['UserPage'];
export type EnterprisePage = Schemas['EnterprisePage'];
export type EconomyDto = Schemas['EconomyDto'];
export type AuditPage = Schemas['AuditPage'];
export type SchemeDto = Schemas['SchemeDto'];
export type SchemeSummaryDto = Schemas['SchemeSummaryDto'];
export type EvalConfigDto = Schemas['EvalConfigDto'];
export type IndicatorConfigDto = Schemas['IndicatorConfigDto'];
export type ClassRuleDto = Schemas['ClassRuleDto'];
export type RunDto = Schemas['RunDto'];
export type ResultDto = Schemas['ResultDto'];
export type NotificationDto = Schemas['NotificationDto'];
export type NotificationPage = Schemas['NotificationPage'];
export type WebhookDto = Schemas['WebhookDto'];
export type NewWebhookDto = Schemas['NewWebhookDto'];
export type NewWebhookRequestDto = Schemas['NewWebhookRequestDto'];
export type WebhookPatchDto = Schemas['WebhookPatchDto'];
export type DeliveryDto = Schemas['DeliveryDto'];
export type DeliveryPage = Schemas['DeliveryPage'];
export type ResultPage = Schemas['ResultPage'];
export type EnterpriseResultDto = Schemas['EnterpriseResultDto'];
export type IndicatorScoreDto = Schemas['IndicatorScoreDto'];
export type ReportDto = Schemas['ReportDto'];
export type ReportPage = Schemas['ReportPage'];
export type ValuesInput = Schemas['ValuesInput'];
export type ValuesDto = Schemas['ValuesDto'];
export type FlagDto = Schemas['FlagDto'];
export type IndicatorsDto = Schemas['IndicatorsDto'];
export type EnterpriseStatsDto = Schemas['EnterpriseStatsDto'];
export type WarningDto = Schemas['WarningDto'];
export type RuleDto = Schemas['RuleDto'];
export type RulePatchDto = Schemas['RulePatchDto'];
export type VisitPlanDto = Schemas['VisitPlanDto'];
export type VisitDto = Schemas['VisitDto'];
export type VisitDetailDto = Schemas['VisitDetailDto'];
export type FindingDto = Schemas['FindingDto'];
export type VisitSummaryDto = Schemas['VisitSummaryDto'];
export type NewVisitDto = Schemas['NewVisitDto'];
export type NewPlanDto = Schemas['NewPlanDto'];
export type AppealDto = Schemas['AppealDto'];
export type AppealPage = Schemas['AppealPage'];
export type AppealDetailDto = Schemas['AppealDetailDto'];
export type AppealEventDto = Schemas['AppealEventDto'];
export type AppealActionDto = Schemas['AppealActionDto'];
export type NewAppealDto = Schemas['NewAppealDto'];
export type SimilarDto = Schemas['SimilarDto'];
export type AppealRulesDto = Schemas['AppealRulesDto'];
export type AppealCategoryDto = Schemas['CategoryDto'];
export type AppealRouteDto = Schemas['RouteDto'];
export type AppealDashboardDto = Schemas['AppealDashboardDto'];
export type FileDto = Schemas['FileDto'];
export type SvRulesDto = Schemas['LightRulesDto'];
export type SvReasonDto = Schemas['ReasonDto'];
export type SvItemDto = Schemas['ItemDto'];
export type SvItemPage = Schemas['ItemPage'];
export type SvItemDetailDto = Schemas['ItemDetailDto'];
export type SvNewItemDto = Schemas['NewItemDto'];
export type SvNewReportDto = Schemas['NewProgressReportDto'];
export type SvFollowUpDto = Schemas['FollowUpDto'];
export type SvNewFollowUpDto = Schemas['NewFollowUpDto'];
export type SvBriefDto = Schemas['BriefDto'];
export type SvBriefItemDto = Schemas['BriefItemDto'];
export type SvCountsDto = Schemas['CountsDto'];
export type SvMeetingDto = Schemas['MeetingDto'];
export type SvMeetingDetailDto = Schemas['MeetingDetailDto'];
export type SvNewMeetingDto = Schemas['NewMeetingDto'];
export type SvScoreLineDto = Schemas['ScoreLineDto'];
export type SvDashboardDto = Schemas['SupervisionDashboardDto'];
export type FieldError = { field?: string; row?: number; column?: string; code: string };

export const API_BASE = '/api/v1';

/** A failed API call: the problem+json body, typed. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly requestId?: string;
  /** Seconds, from `Retry-After` (429). */
  readonly retryAfter?: number;

  constructor(status: number, problem: Partial<Problem> | undefined, retryAfter?: number) {
    super(problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'network' : status >= 500 ? 'internal' : `http.${status}`);
    this.errors = (problem?.errors as FieldError[] | undefined) ?? [];
    this.requestId = problem?.request_id ?? undefined;
    this.retryAfter = retryAfter;
  }

  /** Field errors as `{ field: code }` (first code per field). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) if (e.field && !(e.field in out)) out[e.field] = e.code;
    return out;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

interface Hooks {
  csrfToken: () => string | null | undefined;
  /** 401 on anything but the login call. */
  onUnauthorized: () => void;
  /** 403 auth.password_change_required. */
  onPasswordChangeRequired: () => void;
}

let hooks: Hooks = {
  csrfToken: () => null,
  onUnauthorized: () => {},
  onPasswordChangeRequired: () => {},
};

export function configureApi(h: Hooks): void {
  hooks = h;
}

/** Time (ms since epoch) of the last answered API call; drives the idle-expiry warning. */
/** Polled in the background: not activity (the server's `policy::PASSIVE`). */
const PASSIVE = ['/api/v1/notifications/unread-count'];
let lastActivity = Date.now();
const activityListeners = new Set<(t: number) => void>();
export function lastApiActivity(): number {
  return lastActivity;
}
export function onApiActivity(fn: (t: number) => void): () => void {
  activityListeners.add(fn);
  return () => activityListeners.delete(fn);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const middleware: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method.toUpperCase())) {
      const token = hooks.csrfToken();
      if (token) request.headers.set('X-CSRF-Token', token);
    }
    return request;
  },
  onResponse({ request, response }) {
    // Any answer from the server (even an error) means the session was looked at; but a
    // background poll (the header's unread count) is not activity, here or on the server.
    if (response.status !== 401 && !PASSIVE.some((p) => new URL(request.url, location.href).pathname === p)) {
      lastActivity = Date.now();
      activityListeners.forEach((fn) => fn(lastActivity));
    }
    return response;
  },
};

export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use(middleware);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Unwraps an openapi-fetch result: returns the data or throws an `ApiError`. */
export async function unwrap<T>(call: Promise<Result<T>>, opts: { isLogin?: boolean } = {}): Promise<T> {
  let res: Result<T>;
  try {
    res = await call;
  } catch {
    throw new ApiError(0, { code: 'network', title: 'Network error' });
  }
  const { response } = res;
  if (response.ok) return res.data as T;
  const problem = typeof res.error === 'object' && res.error !== null ? (res.error as Partial<Problem>) : undefined;
  const ra = Number(response.headers.get('Retry-After'));
  const err = new ApiError(response.status, problem, Number.isFinite(ra) && ra > 0 ? ra : undefined);
  // 401 auth.invalid_credentials answers a wrong password (login, password change), not a lost session.
  // 401 auth.totp_invalid answers a wrong authenticator code, not a lost session either.
  if (response.status === 401 && !opts.isLogin && !['auth.invalid_credentials', 'auth.totp_invalid'].includes(err.code))
    hooks.onUnauthorized();
  if (response.status === 403 && err.code === 'auth.password_change_required') hooks.onPasswordChangeRequired();
  throw err;
}

export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

export interface PageQuery {
  page?: number;
  page_size?: number;
  q?: string;
  sort?: string;
}

/** The enterprise list's filters (also the export's). */
export interface EnterpriseQuery extends PageQuery {
  park_id?: string;
  /** A section letter (`C`) or a code prefix (`13`, `131`). */
  industry?: string;
  scale?: 'above' | 'below' | '';
  status?: string;
  /** Comma-separated tags; each narrows the set. */
  tag?: string;
}

/** The appeal list's filters. */
export interface AppealQuery {
  view?: string;
  state?: string;
  light?: string;
  category_id?: string;
  department_id?: string;
  park_id?: string;
  enterprise_id?: string;
  from?: string;
  to?: string;
  q?: string;
  sort?: string;
  page?: number;
  page_size?: number;
}

/** The supervision item list's filters. */
export interface SvItemQuery {
  kind?: string;
  colour?: string;
  department_id?: string;
  lead_user_id?: string;
  category?: string;
  source?: string;
  state?: string;
  year?: number;
  q?: string;
  page?: number;
  page_size?: number;
}

/** Drops empty strings / null / undefined so they do not reach the query string. */
export function clean<T extends object>(q: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) if (v !== '' && v !== null && v !== undefined) out[k] = v;
  return out as T;
}

export const api = {
  // auth
  login: (body: LoginDto) => unwrap(client.POST('/api/v1/auth/login', { body }), { isLogin: true }),
  logout: () => unwrap(client.POST('/api/v1/auth/logout')),
  me: () => unwrap(client.GET('/api/v1/auth/me')),
  changePassword: (body: ChangePasswordDto) => unwrap(client.POST('/api/v1/auth/password', { body })),
  verifyTotp: (code: string) => unwrap(client.POST('/api/v1/auth/totp/verify', { body: { code } }), { isLogin: true }),
  enrolTotp: () => unwrap(client.POST('/api/v1/auth/totp/enrol')),
  confirmTotp: (code: string) => unwrap(client.POST('/api/v1/auth/totp/confirm', { body: { code } })),
  disableTotp: (code: string) => unwrap(client.DELETE('/api/v1/auth/totp', { body: { code } })),
  resetTotp: (id: string) => unwrap(client.POST('/api/v1/users/{id}/totp/reset', { params: { path: { id } } })),
  zoneSecurity: () => unwrap(client.GET('/api/v1/zone/security')),
  setZoneSecurity: (version: number, body: { require_second_factor?: boolean | null }) =>
    unwrap(client.PATCH('/api/v1/zone/security', { params: { header: ifMatch(version) }, body })),

  // users
  listUsers: (query: PageQuery & { role?: string; department_id?: string }) =>
    unwrap(client.GET('/api/v1/users', { params: { query: clean(query) } })),
  getUser: (id: string) => unwrap(client.GET('/api/v1/users/{id}', { params: { path: { id } } })),
  createUser: (body: NewUserDto) => unwrap(client.POST('/api/v1/users', { body })),
  unlockUser: (id: string) =>
    unwrap(client.POST('/api/v1/users/{id}/unlock', { params: { path: { id } } })),
  listExports: () => unwrap(client.GET('/api/v1/exports')),
  decideExport: (id: string, verb: 'approve' | 'refuse') =>
    verb === 'approve'
      ? unwrap(client.POST('/api/v1/exports/{id}/approve', { params: { path: { id } } }))
      : unwrap(client.POST('/api/v1/exports/{id}/refuse', { params: { path: { id } } })),
  revealUserField: (id: string, field: 'id_card' | 'phone', reason: string) =>
    unwrap(client.POST('/api/v1/users/{id}/reveal', { params: { path: { id } }, body: { field, reason } })),
  updateUser: (id: string, version: number, body: UserPatchDto) =>
    unwrap(client.PATCH('/api/v1/users/{id}', { params: { path: { id }, header: ifMatch(version) }, body })),

  // departments
  listDepartments: () => unwrap(client.GET('/api/v1/departments')),
  createDepartment: (body: NewDepartmentDto) => unwrap(client.POST('/api/v1/departments', { body })),
  updateDepartment: (id: string, version: number, body: DepartmentPatchDto) =>
    unwrap(client.PATCH('/api/v1/departments/{id}', { params: { path: { id }, header: ifMatch(version) }, body })),
  deleteDepartment: (id: string) => unwrap(client.DELETE('/api/v1/departments/{id}', { params: { path: { id } } })),

  // roles
  listRoles: () => unwrap(client.GET('/api/v1/roles')),

  // parks
  listParks: () => unwrap(client.GET('/api/v1/parks')),
  createPark: (body: NewParkDto) => unwrap(client.POST('/api/v1/parks', { body })),
  updatePark: (id: string, version: number, body: ParkPatchDto) =>
    unwrap(client.PATCH('/api/v1/parks/{id}', { params: { path: { id }, header: ifMatch(version) }, body })),

  // enterprises
  listEnterprises: (query: EnterpriseQuery) =>
    unwrap(client.GET('/api/v1/enterprises', { params: { query: clean(query) } })),
  getEnterprise: (id: string) => unwrap(client.GET('/api/v1/enterprises/{id}', { params: { path: { id } } })),
  createEnterprise: (body: NewEnterpriseDto) => unwrap(client.POST('/api/v1/enterprises', { body })),
  updateEnterprise: (id: string, version: number, body: EnterprisePatchDto) =>
    unwrap(client.PATCH('/api/v1/enterprises/{id}', { params: { path: { id }, header: ifMatch(version) }, body })),
  changeEnterpriseStatus: (id: string, version: number, body: StatusChangeRequestDto) =>
    unwrap(client.POST('/api/v1/enterprises/{id}/status', { params: { path: { id }, header: ifMatch(version) }, body })),
  addEnterpriseContact: (id: string, body: NewContactDto) =>
    unwrap(client.POST('/api/v1/enterprises/{id}/contacts', { params: { path: { id } }, body })),
  deleteEnterpriseContact: (id: string, contactId: string) =>
    unwrap(client.DELETE('/api/v1/enterprises/{id}/contacts/{contact_id}', { params: { path: { id, contact_id: contactId } } })),
  enterpriseTimeline: (id: string) => unwrap(client.GET('/api/v1/enterprises/{id}/timeline', { params: { path: { id } } })),
  enterpriseTags: () => unwrap(client.GET('/api/v1/enterprises/tags')),
  listIndustries: () => unwrap(client.GET('/api/v1/industries')),
  addIndustry: (body: NewIndustryCodeDto) => unwrap(client.POST('/api/v1/industries', { body })),

  // economic dashboard
  economy: (period?: string) =>
    unwrap(client.GET('/api/v1/dashboard/economy', { params: { query: period ? { period } : {} } })),
  listTargets: () => unwrap(client.GET('/api/v1/stats/targets')),
  setTarget: (year: number, target_wan: string) =>
    unwrap(client.POST('/api/v1/stats/targets', { body: { year, target_wan } })),

  // per-mu evaluation (亩均效益评价)
  listEvaluations: () => unwrap(client.GET('/api/v1/evaluations')),
  createEvaluation: (body: { year: number; config?: EvalConfigDto | null }) =>
    unwrap(client.POST('/api/v1/evaluations', { body })),
  getEvaluation: (id: string) => unwrap(client.GET('/api/v1/evaluations/{id}', { params: { path: { id } } })),
  updateEvaluation: (id: string, version: number, config: EvalConfigDto) =>
    unwrap(client.PATCH('/api/v1/evaluations/{id}', { params: { path: { id }, header: ifMatch(version) }, body: { config } })),
  runEvaluation: (id: string) => unwrap(client.POST('/api/v1/evaluations/{id}/run', { params: { path: { id } } })),
  publishEvaluation: (id: string) =>
    unwrap(client.POST('/api/v1/evaluations/{id}/publish', { params: { path: { id } } })),
  listEvaluationResults: (id: string, query: PageQuery & { class?: string; park_id?: string }) =>
    unwrap(client.GET('/api/v1/evaluations/{id}/results', { params: { path: { id }, query: clean(query) } })),
  enterpriseEvaluations: (id: string) =>
    unwrap(client.GET('/api/v1/enterprises/{id}/evaluations', { params: { path: { id } } })),

  // tokens
  listTokens: () => unwrap(client.GET('/api/v1/tokens')),
  createToken: (body: NewApiTokenRequestDto) => unwrap(client.POST('/api/v1/tokens', { body })),
  revokeToken: (id: string) => unwrap(client.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),

  // notifications (my inbox)
  listNotifications: (query: { unread?: boolean; page?: number; page_size?: number }) =>
    unwrap(client.GET('/api/v1/notifications', { params: { query: clean(query) } })),
  unreadCount: () => unwrap(client.GET('/api/v1/notifications/unread-count')),
  markNotificationRead: (id: string) =>
    unwrap(client.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
  markAllNotificationsRead: () => unwrap(client.POST('/api/v1/notifications/read-all')),

  // webhooks
  listWebhooks: () => unwrap(client.GET('/api/v1/webhooks')),
  createWebhook: (body: NewWebhookRequestDto) => unwrap(client.POST('/api/v1/webhooks', { body })),
  updateWebhook: (id: string, version: number, body: WebhookPatchDto) =>
    unwrap(client.PATCH('/api/v1/webhooks/{id}', { params: { path: { id }, header: ifMatch(version) }, body })),
  deleteWebhook: (id: string) => unwrap(client.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })),
  testWebhook: (id: string) => unwrap(client.POST('/api/v1/webhooks/{id}/test', { params: { path: { id } } })),
  listDeliveries: (id: string, query: { page?: number; page_size?: number }) =>
    unwrap(client.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: clean(query) } })),

  // audit
  listAudit: (query: {
    page?: number;
    page_size?: number;
    actor?: string;
    action?: string;
    entity_type?: string;
    entity_id?: string;
    from?: string;
    to?: string;
  }) => unwrap(client.GET('/api/v1/audit', { params: { query: clean(query) } })),
  verifyAudit: () => unwrap(client.GET('/api/v1/audit/verify')),

  // statistics
  listReports: (query: { page?: number; page_size?: number; period?: string; state?: string; flagged?: boolean; park_id?: string; q?: string }) =>
    unwrap(client.GET('/api/v1/stats/reports', { params: { query: clean(query) } })),
  getReport: (id: string) => unwrap(client.GET('/api/v1/stats/reports/{id}', { params: { path: { id } } })),
  createReport: (body: { enterprise_id?: string | null; period: string; values?: ValuesInput }) =>
    unwrap(client.POST('/api/v1/stats/reports', { body })),
  updateReport: (id: string, version: number, values: ValuesInput) =>
    unwrap(client.PATCH('/api/v1/stats/reports/{id}', { params: { path: { id }, header: ifMatch(version) }, body: { values } })),
  submitReport: (id: string, version: number) =>
    unwrap(client.POST('/api/v1/stats/reports/{id}/submit', { params: { path: { id }, header: ifMatch(version) } })),
  returnReport: (id: string, reason: string) =>
    unwrap(client.POST('/api/v1/stats/reports/{id}/return', { params: { path: { id } }, body: { reason } })),
  verifyReport: (id: string) => unwrap(client.POST('/api/v1/stats/reports/{id}/verify', { params: { path: { id } } })),
  correctReport: (id: string, values: ValuesInput, reason: string) =>
    unwrap(client.POST('/api/v1/stats/reports/{id}/correct', { params: { path: { id } }, body: { values, reason } })),
  indicators: (period: string, park_id?: string) =>
    unwrap(client.GET('/api/v1/stats/indicators', { params: { query: clean({ period, park_id }) } })),
  enterpriseStats: (id: string, query: { from?: string; to?: string } = {}) =>
    unwrap(client.GET('/api/v1/enterprises/{id}/stats', { params: { path: { id }, query: clean(query) } })),
  listWarnings: (query: { period: string; kind?: string; park_id?: string }) =>
    unwrap(client.GET('/api/v1/stats/warnings', { params: { query: clean(query) } })),
  listRules: () => unwrap(client.GET('/api/v1/stats/rules')),

  // appeals (诉求)
  appealRules: () => unwrap(client.GET('/api/v1/appeal-rules')),
  setAppealRules: (body: AppealRulesDto) => unwrap(client.POST('/api/v1/appeal-rules', { body })),
  listAppeals: (query: AppealQuery) => unwrap(client.GET('/api/v1/appeals', { params: { query: clean(query) } })),
  /** `key`: an Idempotency-Key per form submission, so a double click files once. */
  fileAppeal: (body: NewAppealDto, key: string) =>
    unwrap(client.POST('/api/v1/appeals', { params: { header: { 'Idempotency-Key': key } }, body })),
  similarAppeals: (text: string, enterprise_id?: string | null) =>
    unwrap(client.POST('/api/v1/appeals/similar', { body: { text, enterprise_id: enterprise_id || null } })),
  getAppeal: (id: string) => unwrap(client.GET('/api/v1/appeals/{id}', { params: { path: { id } } })),
  actOnAppeal: (id: string, body: AppealActionDto) =>
    unwrap(client.POST('/api/v1/appeals/{id}/actions', { params: { path: { id } }, body })),
  requestExtension: (id: string, days: number, reason: string) =>
    unwrap(client.POST('/api/v1/appeals/{id}/extensions', { params: { path: { id } }, body: { days, reason } })),
  decideExtension: (id: string, extensionId: string, approve: boolean, note: string) =>
    unwrap(
      client.POST('/api/v1/appeals/{id}/extensions/{extension_id}/decision', {
        params: { path: { id, extension_id: extensionId } },
        body: { approve, note },
      }),
    ),
  appealDashboard: (from: string, to: string) =>
    unwrap(client.GET('/api/v1/dashboard/appeals', { params: { query: { from, to } } })),
  updateRule: (id: string, version: number, body: RulePatchDto) =>
    unwrap(client.PATCH('/api/v1/stats/rules/{id}', { params: { path: { id }, header: ifMatch(version) }, body })),

  // visits (走访)
  listVisitPlans: (query: { from?: string; to?: string; page?: number; page_size?: number } = {}) =>
    unwrap(client.GET('/api/v1/visit-plans', { params: { query: clean(query) } })),
  createVisitPlan: (body: NewPlanDto) => unwrap(client.POST('/api/v1/visit-plans', { body })),
  listVisits: (query: { from?: string; to?: string; enterprise_id?: string; plan_id?: string; leader_user_id?: string; page?: number; page_size?: number }) =>
    unwrap(client.GET('/api/v1/visits', { params: { query: clean(query) } })),
  createVisit: (body: NewVisitDto) => unwrap(client.POST('/api/v1/visits', { body })),
  visitSummary: (query: { from?: string; to?: string }) =>
    unwrap(client.GET('/api/v1/visits/summary', { params: { query: clean(query) } })),
  getVisit: (id: string) => unwrap(client.GET('/api/v1/visits/{id}', { params: { path: { id } } })),
  findingToAppeal: (id: string, finding_id: string, category_id: string) =>
    unwrap(client.POST('/api/v1/visits/{id}/findings/{finding_id}/appeal', { params: { path: { id, finding_id } }, body: { category_id } })),
  findingToRectification: (id: string, finding_id: string, body: { department_id: string; requirement: string; due_on: string }) =>
    unwrap(client.POST('/api/v1/visits/{id}/findings/{finding_id}/rectification', { params: { path: { id, finding_id } }, body })),
  rectificationDone: (id: string, note: string) =>
    unwrap(client.POST('/api/v1/rectifications/{id}/done', { params: { path: { id } }, body: { note } })),

  // supervision (督查督办)
  // The API's operation ids `get_rules` and `dashboard` are shared with the appeal module's, so the
  // generated types of these two paths are the appeal ones: typed by hand here.
  svRules: () => unwrap(client.GET('/api/v1/supervision/rules')),
  svSetRules: (body: SvRulesDto) => unwrap(client.POST('/api/v1/supervision/rules', { body })),
  svEvaluate: () => unwrap(client.POST('/api/v1/supervision/evaluate')),
  svItems: (query: SvItemQuery) => unwrap(client.GET('/api/v1/supervision/items', { params: { query: clean(query) } })),
  svCreateItem: (body: SvNewItemDto) => unwrap(client.POST('/api/v1/supervision/items', { body })),
  svItem: (id: string) => unwrap(client.GET('/api/v1/supervision/items/{id}', { params: { path: { id } } })),
  svReport: (id: string, body: SvNewReportDto) =>
    unwrap(client.POST('/api/v1/supervision/items/{id}/reports', { params: { path: { id } }, body })),
  svClose: (id: string, note: string) =>
    unwrap(client.POST('/api/v1/supervision/items/{id}/close', { params: { path: { id } }, body: { note } })),
  svProblem: (id: string, body: SvNewFollowUpDto) =>
    unwrap(client.POST('/api/v1/supervision/items/{id}/problems', { params: { path: { id } }, body })),
  svBrief: (week?: string) =>
    unwrap(client.GET('/api/v1/supervision/brief', { params: { query: week ? { week } : {} } })),
  svMeetings: (query: { page?: number; page_size?: number } = {}) =>
    unwrap(client.GET('/api/v1/supervision/meetings', { params: { query: clean(query) } })),
  svMeeting: (id: string) => unwrap(client.GET('/api/v1/supervision/meetings/{id}', { params: { path: { id } } })),
  svCreateMeeting: (body: SvNewMeetingDto) => unwrap(client.POST('/api/v1/supervision/meetings', { body })),
  svFollowUps: (query: { state?: string; item_id?: string; meeting_id?: string; department_id?: string } = {}) =>
    unwrap(client.GET('/api/v1/supervision/follow-ups', { params: { query: clean(query) } })),
  svFollowUpDone: (id: string, note: string) =>
    unwrap(client.POST('/api/v1/supervision/follow-ups/{id}/done', { params: { path: { id } }, body: { note } })),
  svScoreboard: (year?: number) =>
    unwrap(client.GET('/api/v1/supervision/scoreboard', { params: { query: year ? { year } : {} } })),
  svDashboard: (year?: number) =>
    unwrap(client.GET('/api/v1/supervision/dashboard', { params: { query: year ? { year } : {} } })),
};
