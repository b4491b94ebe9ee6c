/**
 * The party-building module's API (党建, `/api/v1/party/…`), on the one client of `client.ts`.
 *
 * Written by hand from the contract while the server's routes were being built; the types are
 * switched to the generated `schema.d.ts` ones once the routes are in `openapi.json`.
 */
import { client, clean, unwrap } from './client';

export interface OrgDto {
  id: string;
  parent_id?: string | null;
  org_type: string;
  name: string;
  enterprise_id?: string | null;
  enterprise_name?: string | null;
  workshop: string;
  secretary_name: string;
  secretary_user_id?: string | null;
  founded_on?: string | null;
  last_election_on?: string | null;
  next_election_due?: string | null;
  election_overdue: boolean;
  members: number;
  members_total: number;
  probationary: number;
  designations: number;
  version: number;
}
export interface NewOrgDto {
  parent_id?: string | null;
  org_type: string;
  name: string;
  enterprise_id?: string | null;
  workshop: string;
  secretary_name: string;
  secretary_user_id?: string | null;
  founded_on?: string | null;
  last_election_on?: string | null;
  next_election_due?: string | null;
}
export interface OrgDetailDto {
  org: OrgDto;
  path: { id: string; name: string }[];
  children: OrgDto[];
  designations: DesignationDto[];
  activities: ActivityDto[];
}
export interface MemberDto {
  id: string;
  org_id: string;
  org_name: string;
  name: string;
  gender: string;
  ethnicity: string;
  birth_on?: string | null;
  id_card_masked: string;
  phone_masked?: string | null;
  education: string;
  joined_on: string;
  standing: string;
  probation_ends_on?: string | null;
  post: string;
  version: number;
}
export interface NewMemberDto {
  org_id: string;
  name: string;
  gender: string;
  ethnicity: string;
  birth_on?: string | null;
  id_card: string;
  phone?: string | null;
  education: string;
  joined_on: string;
  standing: string;
  probation_ends_on?: string | null;
  post: string;
}
export interface MoveDto {
  from_org_name: string;
  to_org_name: string;
  moved_on: string;
  reason: string;
}
export interface MemberDetailDto {
  member: MemberDto;
  moves: MoveDto[];
}
export interface DesignationTypeDto {
  id: string;
  code: string;
  name: string;
  criteria: string;
  needs_leader: boolean;
  needs_workshop: boolean;
}
export interface DesignationDto {
  id: string;
  type_id: string;
  type_code: string;
  type_name: string;
  org_id: string;
  org_name: string;
  enterprise_id?: string | null;
  enterprise_name?: string | null;
  title: string;
  workshop: string;
  leader_member_id?: string | null;
  leader_name?: string | null;
  materials: string;
  state: string;
  applied_at: string;
  review_note: string;
  awarded_on?: string | null;
  ceremony: string;
  certificate_no: string;
  reviewed_year?: number | null;
  revoked_on?: string | null;
  revoke_reason: string;
  version: number;
}
export interface HonourDto {
  id: string;
  type_code: string;
  type_name: string;
  title: string;
  org_name: string;
  enterprise_name?: string | null;
  workshop: string;
  leader_name?: string | null;
  awarded_on?: string | null;
  certificate_no: string;
}
export interface AllianceDto {
  id: string;
  name: string;
  kind: string;
  lead_org_id: string;
  lead_org_name: string;
  founded_on?: string | null;
  description: string;
  members: { org_id: string; org_name: string }[];
  activities: number;
  version: number;
}
export interface ActivityDto {
  id: string;
  org_id: string;
  org_name: string;
  alliance_id?: string | null;
  alliance_name?: string | null;
  kind: string;
  meeting_kind?: string | null;
  title: string;
  theme: string;
  held_on: string;
  place: string;
  present: number;
  absent: number;
  photos: number;
  version: number;
}
export interface NewActivityDto {
  org_id: string;
  alliance_id?: string | null;
  kind: string;
  meeting_kind?: string | null;
  title: string;
  theme: string;
  held_on: string;
  place: string;
  agenda: string;
  summary: string;
  attendance: { member_id: string; present: boolean }[];
  file_ids: string[];
}
export interface ActivityDetailDto {
  activity: ActivityDto;
  agenda: string;
  summary: string;
  attendance: { member_id: string; name: string; present: boolean }[];
  file_ids: string[];
}
export interface RequirementDto {
  kind: string;
  every: string;
  times: number;
}
export interface RulesDto {
  requirements: RequirementDto[];
  yellow_pct: number;
  version: number;
}
export interface ComplianceKindDto {
  kind: string;
  required: number;
  recorded: number;
  colour: string;
  missing: { from: string; to: string }[];
}
export interface ComplianceRowDto {
  org_id: string;
  org_name: string;
  enterprise_name?: string | null;
  colour: string;
  kinds: ComplianceKindDto[];
}
export interface ComplianceDto {
  from: string;
  to: string;
  counts: { green: number; yellow: number; red: number };
  rows: ComplianceRowDto[];
}
export interface CountByDto {
  key: string;
  name: string;
  count: number;
}
export interface PartyDashboardDto {
  from: string;
  to: string;
  orgs_by_type: CountByDto[];
  members_total: number;
  members_probationary: number;
  designations_by_type: CountByDto[];
  alliances_by_kind: CountByDto[];
  alliance_total: number;
  activities_by_month: { month: string; theme: number; study: number; meeting: number }[];
  theme_activities: number;
  study_sessions: number;
  compliance: { green: number; yellow: number; red: number };
}
export interface EnterprisePartyDto {
  orgs: { id: string; name: string; org_type: string; workshop: string; secretary_name: string; members: number; founded_on?: string | null }[];
  designations: HonourDto[];
  activities: { id: string; title: string; kind: string; held_on: string }[];
}
export interface DesignationActionDto {
  action: 'award' | 'return' | 'review' | 'revoke';
  note: string;
  awarded_on?: string | null;
  ceremony?: string;
  certificate_no?: string;
  year?: number | null;
  revoked_on?: string | null;
  version: number;
}
/** A row or column error of the member import (all or nothing). */
export interface ImportRowError {
  row: number;
  column: string;
  header?: string;
  code: string;
  message: string;
}

// Untyped until the routes are in openapi.json: openapi-fetch works on any path at run time.
type Init = { params?: { path?: Record<string, string>; query?: Record<string, unknown> }; body?: unknown };
type Call = (path: string, init?: Init) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const c = client as unknown as { GET: Call; POST: Call; PATCH: Call };
const P = '/api/v1/party';
const get = <T>(path: string, query: Record<string, unknown> = {}) => unwrap(c.GET(P + path, { params: { query: clean(query) } })) as Promise<T>;
const post = <T>(path: string, body: unknown = {}) => unwrap(c.POST(P + path, { body })) as Promise<T>;
const patch = <T>(path: string, body: unknown) => unwrap(c.PATCH(P + path, { body })) as Promise<T>;

export interface MemberQuery {
  org_id?: string;
  q?: string;
  standing?: string;
  page?: number;
  page_size?: number;
}
export interface ActivityQuery {
  org_id?: string;
  kind?: string;
  meeting_kind?: string;
  alliance_id?: string;
  from?: string;
  to?: string;
  page?: number;
  page_size?: number;
}

export const party = {
  orgs: () => get<{ items: OrgDto[] }>('/orgs'),
  org: (id: string) => get<OrgDetailDto>(`/orgs/${encodeURIComponent(id)}`),
  createOrg: (body: NewOrgDto) => post<OrgDto>('/orgs', body),
  updateOrg: (id: string, body: NewOrgDto & { version: number }) => patch<OrgDto>(`/orgs/${encodeURIComponent(id)}`, body),
  /** The zone's branch-secretary accounts, to link an organization's secretary (party.manage). */
  secretaries: () => get<{ id: string; name: string }[]>('/secretaries'),
  meetingsDocxUrl: (id: string, year: number) => `${P}/orgs/${encodeURIComponent(id)}/meetings.docx?year=${year}`,

  members: (q: MemberQuery) => get<{ items: MemberDto[]; total: number }>('/members', { ...q }),
  /** Every member of an organization's subtree (pages of 100, the API's limit), e.g. for attendance. */
  allMembers: async (org_id: string): Promise<MemberDto[]> => {
    const out: MemberDto[] = [];
    for (let page = 1; page <= 50; page++) {
      const p = await get<{ items: MemberDto[]; total: number }>('/members', { org_id, page, page_size: 100 });
      out.push(...p.items);
      if (out.length >= p.total || p.items.length === 0) break;
    }
    return out;
  },
  member: (id: string) => get<MemberDetailDto>(`/members/${encodeURIComponent(id)}`),
  createMember: (body: NewMemberDto) => post<MemberDto>('/members', body),
  moveMember: (id: string, body: { to_org_id: string; moved_on: string; reason: string; version: number }) =>
    post<MemberDto>(`/members/${encodeURIComponent(id)}/move`, body),
  revealMember: (id: string, reason: string) => post<{ id_card: string; phone?: string | null }>(`/members/${encodeURIComponent(id)}/reveal`, { reason }),
  memberTemplateUrl: `${P}/members/template`,
  memberImportUrl: `${P}/members/import`,
  exportUrl: `${P}/export.xlsx`,

  designationTypes: () => get<DesignationTypeDto[]>('/designation-types'),
  createDesignationType: (body: Omit<DesignationTypeDto, 'id'>) => post<DesignationTypeDto>('/designation-types', body),
  designations: (q: { state?: string; type_id?: string; org_id?: string } = {}) => get<{ items: DesignationDto[] }>('/designations', q),
  apply: (body: { type_id: string; org_id: string; title: string; workshop: string; leader_member_id?: string | null; materials: string }) =>
    post<DesignationDto>('/designations', body),
  /** Award, return, review (yearly) or revoke; the revocation's reason goes in `note`. */
  act: (id: string, body: DesignationActionDto) => post<DesignationDto>(`/designations/${encodeURIComponent(id)}/act`, body),
  honourWall: () => get<{ items: HonourDto[] }>('/honour-wall'),

  alliances: () => get<{ items: AllianceDto[] }>('/alliances'),
  createAlliance: (body: { name: string; kind: string; lead_org_id: string; founded_on?: string | null; description: string; member_org_ids: string[] }) =>
    post<AllianceDto>('/alliances', body),

  activities: (q: ActivityQuery) => get<{ items: ActivityDto[]; total: number }>('/activities', { ...q }),
  activity: (id: string) => get<ActivityDetailDto>(`/activities/${encodeURIComponent(id)}`),
  createActivity: (body: NewActivityDto) => post<ActivityDetailDto>('/activities', body),

  rules: () => get<RulesDto>('/rules'),
  setRules: (body: RulesDto) => post<RulesDto>('/rules', body),
  compliance: (q: { from?: string; to?: string; org_id?: string }) => get<ComplianceDto>('/compliance', q),
  dashboard: (q: { from?: string; to?: string }) => get<PartyDashboardDto>('/dashboard', q),
  enterprise: (id: string) => get<EnterprisePartyDto>(`/enterprises/${encodeURIComponent(id)}`),
};
