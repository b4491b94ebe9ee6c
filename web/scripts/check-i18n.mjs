// Fails when the locale files do not have exactly the same key set.
// Plain node: the .ts locale files are transpiled with the project's TypeScript.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const dir = fileURLToPath(new URL('../src/i18n/', import.meta.url));
const LOCALES = ['zh-CN', 'en'];

async function load(name) {
  const src = readFileSync(`${dir}${name}.ts`, 'utf8');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
    .replace(/^import .*$/gm, '');
  const mod = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
  return mod.default;
}

function flatten(obj, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

const maps = {};
for (const l of LOCALES) maps[l] = flatten(await load(l));
let failed = 0;
const [base, ...others] = LOCALES;
for (const other of others) {
  for (const k of maps[base].keys()) if (!maps[other].has(k)) { console.error(`missing in ${other}: ${k}`); failed++; }
  for (const k of maps[other].keys()) if (!maps[base].has(k)) { console.error(`missing in ${base}: ${k}`); failed++; }
}
for (const l of LOCALES) {
  for (const [k, v] of maps[l]) {
    if (typeof v !== 'string' || v.trim() === '') { console.error(`empty or non-string value in ${l}: ${k}`); failed++; }
  }
}
// Every error code of docs/API.md must be translated (errors.<code>).
const CODES = [
  'request.malformed', 'auth.required', 'auth.invalid_credentials', 'auth.password_change_required', 'auth.forbidden',
  'csrf.cross_site', 'csrf.token', 'not_found', 'user.login_taken', 'department.cycle', 'department.not_empty',
  'park.code_taken', 'enterprise.uscc_taken', 'precondition.failed', 'precondition.required', 'request.too_large',
  'request.unsupported_media_type', 'validation.failed', 'required', 'too_long', 'uscc.format', 'uscc.check_char',
  'password.too_short', 'password.classes', 'password.common', 'password.reused', 'login.format', 'role.unknown',
  'auth.locked', 'rate_limited', 'internal', 'user.self_change', 'role.enterprise_binding', 'password.contains_login',
  'password.wrong', 'password.too_long', 'phone.format', 'code.format', 'range', 'not_allowed', 'unknown_field', 'invalid',
  'busy', 'user.id_card_taken', 'id_card.format', 'id_card.legacy_15_digit', 'id_card.check_char', 'id_card.birth_date',
  'id_card.region', 'personal.reason_length', 'personal.field_unknown', 'personal.no_value',
  'file.type_not_allowed', 'file.macro', 'file.too_large', 'file.too_many_pixels', 'file.trailing_data',
  'file.pdf_active_content', 'file.corrupt', 'file.missing',
  'overload', 'idempotency.key_reused', 'idempotency.key_invalid', 'auth.second_factor_required',
  'auth.second_factor_enrolment_required', 'auth.second_factor_not_pending', 'auth.totp_invalid', 'auth.totp_locked',
  'auth.totp_already_enabled', 'auth.totp_not_enrolled', 'auth.totp_not_enabled', 'auth.totp_required_by_zone',
  'sheet.type_not_allowed', 'sheet.macro', 'sheet.too_large', 'sheet.zip_bomb', 'sheet.too_many_rows',
  'sheet.header_mismatch', 'sheet.formula', 'sheet.invalid_cells', 'sheet.unreadable', 'sheet.column_missing',
  'sheet.column_unknown', 'sheet.column_duplicate', 'sheet.duplicate_key', 'export.too_many', 'role.not_grantable',
  'export.self_approval', 'export.not_pending', 'export.not_approved', 'export.not_requester', 'export.downloaded',
  'export.expired',
  'department.not_found', 'department.ambiguous', 'enterprise.required', 'enterprise.not_found', 'enterprise.not_allowed',
  'evaluation.year_taken', 'evaluation.published', 'evaluation.not_run', 'evaluation.changed',
  'evaluation.indicator_unknown', 'evaluation.indicator_duplicate', 'evaluation.benchmark_positive',
  'evaluation.weights_sum', 'evaluation.thresholds_order', 'evaluation.shares_sum',
  'stats.locked', 'stats.not_editable', 'stats.not_submitted', 'stats.not_verified', 'stats.reason_length',
  'period.invalid', 'period.future', 'number.invalid', 'number.negative', 'number.too_precise', 'number.too_large',
  'not_applicable',
  'enterprise.status_unknown', 'enterprise.status_unchanged', 'enterprise.too_many_tags', 'enterprise.tag_too_long',
  'industry.format', 'industry.unknown', 'industry.shipped', 'industry.code_taken', 'park.not_found',
  'number.format', 'number.negative', 'number.too_precise', 'number.too_large', 'date.format', 'date.future',
  'calendar.other_year', 'calendar.duplicate_day', 'calendar.makeup_on_weekday', 'calendar.kind_unknown',
  'appeal.transition_not_allowed', 'appeal.limit_invalid', 'appeal.limit_before_accept', 'appeal.limit_before_answer', 'appeal.duplicate_code', 'appeal.co_is_lead', 'appeal.duplicate_route', 'appeal.channel_unknown', 'appeal.urgency_unknown', 'appeal.action_unknown', 'appeal.same_department', 'appeal.merge_self', 'appeal.merge_other_enterprise', 'appeal.merge_final', 'appeal.extension_closed', 'appeal.extension_pending', 'appeal.extension_decided', 'appeal.state_unknown', 'appeal.light_unknown', 'appeal.no_department', 'appeal.view_unknown',
  'duplicate', 'too_many',
  'webhook.url_invalid', 'webhook.kind_invalid',
  'visit.ends_before_start', 'visit.due_past', 'visit.finding_done', 'visit.rectification_done', 'visit.not_responsible',
  'supervision.milestone_after_due', 'supervision.milestone_before_start', 'supervision.target_falls',
  'supervision.due_before_start', 'supervision.after_source_deadline', 'supervision.doc_required',
  'supervision.twelve_months', 'supervision.plan_sum_mismatch', 'supervision.year_above_total',
  'supervision.task_has_project', 'supervision.progress_backwards', 'supervision.item_closed',
  'supervision.report_conflict', 'supervision.follow_up_done', 'supervision.not_saturday', 'supervision.week_in_future',
  'supervision.due_past', 'supervision.red_not_above_yellow', 'supervision.colour_not_warning',
  'supervision.milestone_format',
  'party.type_under_parent', 'party.org_cycle', 'party.not_secretary', 'party.member_elsewhere',
  'party.probation_before_joining', 'party.not_a_member', 'party.birth_not_id_card', 'party.gender_not_id_card',
  'party.probation_too_long', 'party.joined_under_18', 'party.election_order', 'party.meeting_not_branch',
  'party.only_for_meetings', 'party.not_in_alliance', 'party.same_org', 'party.period_too_long', 'party.designation_state', 'party.not_probationary', 'party.full_before_joining',
];
const ROLES = ['zone_leader', 'department_staff', 'party_staff', 'branch_secretary', 'inspector', 'enterprise', 'worker',
  'province_observer', 'system_admin', 'security_admin', 'audit_admin'];
const PERMS = ['user.read', 'user.write', 'user.unlock', 'department.read', 'department.write', 'role.read', 'park.read', 'park.write',
  'enterprise.read', 'enterprise.write', 'token.own', 'audit.read', 'metrics.read',
  'personal.reveal',
  'file.upload', 'file.read', 'zone.security', 'export.approve',
  'stats.read', 'stats.report', 'stats.review', 'evaluation.manage', 'economy.read', 'calendar.manage',
  'appeal.file', 'appeal.read', 'appeal.handle', 'appeal.lead', 'appeal.configure', 'notify.manage',
  'visit.read', 'visit.manage', 'supervision.read', 'supervision.report', 'supervision.manage',
  'party.public', 'party.read', 'party.record', 'party.manage', 'party.reveal'];
for (const l of LOCALES) {
  for (const c of CODES) if (!maps[l].has(`errors.${c}`)) { console.error(`${l}: error code not translated: errors.${c}`); failed++; }
  for (const r of ROLES) if (!maps[l].has(`role.${r}`)) { console.error(`${l}: role not translated: role.${r}`); failed++; }
  for (const p of PERMS) if (!maps[l].has(`perm.${p}`)) { console.error(`${l}: permission not translated: perm.${p}`); failed++; }
}
const n = maps[base].size;
if (failed) {
  console.error(`check:i18n: ${failed} problem(s)`);
  process.exit(1);
}
console.log(`check:i18n: ${LOCALES.join(', ')} have the same ${n} keys; all error codes, roles and permissions translated`);
