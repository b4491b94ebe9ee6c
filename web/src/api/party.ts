/**
 * The party-building module's API (党建, `/api/v1/party/…`), on the one client of `client.ts`;
 * types generated from `openapi.json` (`npm run gen:api`).
 */
import { client, clean, ifMatch, unwrap } from './client';
import type { components } from './schema';

type S = components['schemas'];
export type OrgDto = S['PartyOrgDto'];
export type NewOrgDto = S['NewPartyOrgDto'];
export type PartyOrgPatchDto = S['PartyOrgPatchDto'];
export type OrgDetailDto = S['PartyOrgDetail'];
export type SecretaryAccountDto = S['SecretaryAccountDto'];
export type MemberDto = S['MemberDto'];
export type NewMemberDto = S['NewMemberDto'];
export type MoveDto = S['MoveDto'];
export type MemberDetailDto = S['MemberDetail'];
export type DesignationTypeDto = S['DesignationTypeDto'];
export type DesignationDto = S['DesignationDto'];
export type DesignationActionDto = S['DesignationActionDto'];
export type HonourDto = S['HonourDto'];
export type AllianceDto = S['AllianceDto'];
export type ActivityDto = S['ActivityDto'];
export type NewActivityDto = S['NewActivityDto'];
export type ActivityDetailDto = S['ActivityDetail'];
export type RequirementDto = S['RequirementDto'];
export type RulesDto = S['PartyRulesDto'];
export type ComplianceKindDto = S['KindComplianceDto'];
export type ComplianceRowDto = S['BranchComplianceDto'];
export type ComplianceDto = S['ComplianceDto'];
export type CountByDto = S['CountByDto'];
export type PartyDashboardDto = S['PartyDashboardDto'];
export type EnterprisePartyDto = S['EnterprisePartyDto'];
/** A row or column error of the member import (problem+json `cells`; all or nothing). */
export interface ImportRowError {
  row: number;
  column: string;
  header?: string;
  code: string;
  message: string;
}

const P = '/api/v1/party';
const path = (id: string) => ({ path: { id } });

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

const members = (q: MemberQuery) => unwrap(client.GET('/api/v1/party/members', { params: { query: clean(q) } }));

export const party = {
  orgs: () => unwrap(client.GET('/api/v1/party/orgs')),
  org: (id: string) => unwrap(client.GET('/api/v1/party/orgs/{id}', { params: path(id) })),
  createOrg: (body: NewOrgDto) => unwrap(client.POST('/api/v1/party/orgs', { body })),
  updateOrg: (id: string, version: number, body: PartyOrgPatchDto) =>
    unwrap(client.PATCH('/api/v1/party/orgs/{id}', { params: { path: { id }, header: ifMatch(version) }, body })),
  /** The zone's branch-secretary accounts, to link an organization's secretary (party.manage). */
  secretaries: () => unwrap(client.GET('/api/v1/party/secretaries')),
  meetingsDocxUrl: (id: string, year: number) => `${P}/orgs/${encodeURIComponent(id)}/meetings/docx?year=${year}`,

  members,
  /** Every member of an organization's subtree (pages of 100, the API's limit), e.g. for attendance. */
  allMembers: async (org_id: string): Promise<MemberDto[]> => {
    const out: MemberDto[] = [];
    for (let page = 1; page <= 50; page++) {
      const p = await members({ org_id, page, page_size: 100 });
      out.push(...p.items);
      if (out.length >= p.total || p.items.length === 0) break;
    }
    return out;
  },
  member: (id: string) => unwrap(client.GET('/api/v1/party/members/{id}', { params: path(id) })),
  createMember: (body: NewMemberDto) => unwrap(client.POST('/api/v1/party/members', { body })),
  moveMember: (id: string, body: S['MoveMemberDto']) => unwrap(client.POST('/api/v1/party/members/{id}/move', { params: path(id), body })),
  confirmMember: (id: string, body: S['ConfirmMemberDto']) =>
    unwrap(client.POST('/api/v1/party/members/{id}/confirm', { params: path(id), body })),
  revealMember: (id: string, reason: string) => unwrap(client.POST('/api/v1/party/members/{id}/reveal', { params: path(id), body: { reason } })),
  memberTemplateUrl: `${P}/members/template`,
  memberImportUrl: `${P}/members/import`,
  exportUrl: `${P}/export/national`,

  designationTypes: () => unwrap(client.GET('/api/v1/party/designation-types')),
  createDesignationType: (body: S['NewDesignationTypeDto']) => unwrap(client.POST('/api/v1/party/designation-types', { body })),
  designations: (q: { state?: string; type_id?: string; org_id?: string } = {}) =>
    unwrap(client.GET('/api/v1/party/designations', { params: { query: clean(q) } })),
  apply: (body: S['NewDesignationDto']) => unwrap(client.POST('/api/v1/party/designations', { body })),
  /** Award, return, review (yearly) or revoke; the revocation's reason goes in `note`. */
  act: (id: string, body: DesignationActionDto) => unwrap(client.POST('/api/v1/party/designations/{id}/act', { params: path(id), body })),
  honourWall: () => unwrap(client.GET('/api/v1/party/honour-wall')),

  alliances: () => unwrap(client.GET('/api/v1/party/alliances')),
  createAlliance: (body: S['NewAllianceDto']) => unwrap(client.POST('/api/v1/party/alliances', { body })),

  activities: (q: ActivityQuery) => unwrap(client.GET('/api/v1/party/activities', { params: { query: clean(q) } })),
  activity: (id: string) => unwrap(client.GET('/api/v1/party/activities/{id}', { params: path(id) })),
  createActivity: (body: NewActivityDto) => unwrap(client.POST('/api/v1/party/activities', { body })),

  rules: () => unwrap(client.GET('/api/v1/party/rules')),
  setRules: (body: RulesDto) => unwrap(client.POST('/api/v1/party/rules', { body })),
  compliance: (q: { from?: string; to?: string; org_id?: string }) => unwrap(client.GET('/api/v1/party/compliance', { params: { query: clean(q) } })),
  dashboard: (q: { from?: string; to?: string }) => unwrap(client.GET('/api/v1/party/dashboard', { params: { query: clean(q) } })),
  enterprise: (id: string) => unwrap(client.GET('/api/v1/party/enterprises/{id}', { params: path(id) })),
};
