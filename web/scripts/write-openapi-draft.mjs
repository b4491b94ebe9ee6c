import { writeFileSync } from 'node:fs';
const S = (t, extra = {}) => ({ type: t, ...extra });
const str = (extra = {}) => ({ type: 'string', ...extra });
const nstr = (extra = {}) => ({ type: ['string', 'null'], ...extra });
const uuid = { type: 'string', format: 'uuid' };
const nuuid = { type: ['string', 'null'], format: 'uuid' };
const dt = { type: 'string', format: 'date-time' };
const ndt = { type: ['string', 'null'], format: 'date-time' };
const int = { type: 'integer', format: 'int64' };
const ref = (n) => ({ $ref: `#/components/schemas/${n}` });
const obj = (props, required = Object.keys(props), extra = {}) => ({ type: 'object', properties: props, required, additionalProperties: false, ...extra });
const page = (item) => obj({ items: { type: 'array', items: ref(item) }, total: int, page: { type: 'integer', minimum: 1 }, page_size: { type: 'integer', minimum: 1, maximum: 100 } });

const schemas = {
  LoginDto: obj({ zone: str({ description: 'Zone code, e.g. "demo"' }), login: str(), password: str({ format: 'password' }) }),
  ChangePasswordDto: obj({ current_password: str({ format: 'password' }), new_password: str({ format: 'password' }) }),
  MeDto: obj({
    id: uuid, zone_code: str(), zone_name: str(), login: str(), display_name: str(), role: str(), role_name_zh: str(),
    permissions: { type: 'array', items: str() }, enterprise_id: nuuid, department_id: nuuid,
    must_change_password: { type: 'boolean' }, csrf_token: str(),
    idle_timeout_secs: { type: 'integer', description: 'Idle timeout of the session in seconds' },
    expires_at: { ...dt, description: 'Absolute expiry of the session (RFC 3339)' },
  }),
  UserDto: obj({
    id: uuid, login: str(), display_name: str(), role: str(), department_id: nuuid, department_name: nstr(),
    enterprise_id: nuuid, enterprise_name: nstr(), phone_masked: nstr({ description: 'e.g. 138****5678' }),
    active: { type: 'boolean' }, locked_until: ndt, created_at: dt, version: int,
  }),
  NewUserDto: obj({
    login: str(), display_name: str(), role: str(), password: str({ format: 'password' }),
    department_id: uuid, enterprise_id: uuid, phone: str(),
  }, ['login', 'display_name', 'role', 'password']),
  UserPatchDto: obj({ display_name: str(), role: str(), department_id: nuuid, active: { type: 'boolean' }, password: str({ format: 'password' }) }, []),
  DepartmentDto: obj({ id: uuid, name: str(), parent_id: nuuid, version: int }),
  NewDepartmentDto: obj({ name: str(), parent_id: nuuid }, ['name']),
  DepartmentPatchDto: obj({ name: str(), parent_id: nuuid }, []),
  RoleDto: obj({ code: str(), name_zh: str(), name_en: str(), admin: { type: 'boolean' }, permissions: { type: 'array', items: str() } }),
  RolesDto: obj({ roles: { type: 'array', items: ref('RoleDto') }, permissions: { type: 'array', items: str() } }),
  ParkDto: obj({ id: uuid, code: str(), name: str(), version: int }),
  NewParkDto: obj({ code: str(), name: str() }),
  ParkPatchDto: obj({ code: str(), name: str() }, []),
  EnterpriseDto: obj({ id: uuid, name: str(), uscc: str({ description: '统一社会信用代码 (GB 32100-2015), 18 characters' }), park_id: uuid, park_name: str() }),
  NewEnterpriseDto: obj({ name: str(), uscc: str(), park_id: uuid }),
  ApiTokenDto: obj({ id: uuid, name: str(), prefix: str(), created_at: dt, expires_at: ndt, last_used_at: ndt }),
  NewApiTokenDto: obj({ id: uuid, name: str(), prefix: str(), created_at: dt, expires_at: ndt, last_used_at: ndt, secret: str({ description: 'Shown once' }) }),
  NewApiTokenRequestDto: obj({ name: str(), expires_in_days: { type: ['integer', 'null'], minimum: 1 } }, ['name']),
  AuditDto: obj({
    id: uuid, seq: int, at: dt, actor_login: nstr(), action: str(), entity_type: str(), entity_id: nstr(),
    before: { type: ['object', 'null'], additionalProperties: true }, after: { type: ['object', 'null'], additionalProperties: true },
    ip: nstr(), request_id: nstr(),
  }),
  AuditVerifyDto: obj({ ok: { type: 'boolean' }, checked: int, broken_at: { type: ['integer', 'null'], format: 'int64', description: 'seq of the first broken record' } }, ['ok', 'checked']),
  FieldError: obj({ field: str(), row: { type: 'integer' }, column: str(), code: str() }, ['code']),
  Problem: obj({
    type: str({ default: 'about:blank' }), title: str(), status: { type: 'integer' }, code: str(), request_id: str(),
    errors: { type: 'array', items: ref('FieldError') },
  }, ['type', 'title', 'status', 'code']),
  UserPage: page('UserDto'),
  EnterprisePage: page('EnterpriseDto'),
  AuditPage: page('AuditDto'),
};

const problem = (desc) => ({ description: desc, content: { 'application/problem+json': { schema: ref('Problem') } } });
const json = (desc, schema, headers) => ({ description: desc, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) });
const errs = { default: problem('Error (problem+json)') };
const body = (n) => ({ required: true, content: { 'application/json': { schema: ref(n) } } });
const q = (name, schema, description) => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });
const pageParams = [q('page', { type: 'integer', minimum: 1, default: 1 }), q('page_size', { type: 'integer', minimum: 1, maximum: 100, default: 20 })];
const idParam = { name: 'id', in: 'path', required: true, schema: uuid };
const ifMatch = { name: 'If-Match', in: 'header', required: false, schema: str(), description: 'The record version in quotes: "<version>". The server answers 428 precondition.required without it and 412 precondition.failed when stale.' };
const etag = { ETag: { schema: str(), description: '"<version>"' } };
const csrf = { name: 'X-CSRF-Token', in: 'header', required: false, schema: str(), description: 'Required with the session cookie' };
const op = (operationId, tag, perm, o) => ({ operationId, tags: [tag], 'x-permission': perm, ...o, responses: { ...o.responses, ...errs } });
const noContent = { 204: { description: 'No content' } };

const paths = {
  '/auth/login': { post: op('login', 'auth', 'public', { requestBody: body('LoginDto'), responses: { 200: json('Logged in', ref('MeDto')) } }) },
  '/auth/logout': { post: op('logout', 'auth', 'authenticated', { parameters: [csrf], responses: noContent }) },
  '/auth/me': { get: op('me', 'auth', 'authenticated', { responses: { 200: json('Current user', ref('MeDto')) } }) },
  '/auth/password': { post: op('change_password', 'auth', 'authenticated', { parameters: [csrf], requestBody: body('ChangePasswordDto'), responses: noContent }) },
  '/users': {
    get: op('list_users', 'users', 'user.read', { parameters: [...pageParams, q('q', str()), q('role', str()), q('department_id', uuid), q('sort', str())], responses: { 200: json('Users', ref('UserPage')) } }),
    post: op('create_user', 'users', 'user.write', { parameters: [csrf], requestBody: body('NewUserDto'), responses: { 201: json('Created', ref('UserDto')) } }),
  },
  '/users/{id}': {
    get: op('get_user', 'users', 'user.read', { parameters: [idParam], responses: { 200: json('User', ref('UserDto'), etag) } }),
    patch: op('update_user', 'users', 'user.write', { parameters: [idParam, ifMatch, csrf], requestBody: body('UserPatchDto'), responses: { 200: json('Updated', ref('UserDto'), etag) } }),
  },
  '/departments': {
    get: op('list_departments', 'departments', 'department.read', { responses: { 200: json('Departments (flat)', { type: 'array', items: ref('DepartmentDto') }) } }),
    post: op('create_department', 'departments', 'department.write', { parameters: [csrf], requestBody: body('NewDepartmentDto'), responses: { 201: json('Created', ref('DepartmentDto')) } }),
  },
  '/departments/{id}': {
    patch: op('update_department', 'departments', 'department.write', { parameters: [idParam, ifMatch, csrf], requestBody: body('DepartmentPatchDto'), responses: { 200: json('Updated', ref('DepartmentDto')) } }),
    delete: op('delete_department', 'departments', 'department.write', { parameters: [idParam, csrf], responses: noContent }),
  },
  '/roles': { get: op('list_roles', 'roles', 'role.read', { responses: { 200: json('Roles and permissions', ref('RolesDto')) } }) },
  '/parks': {
    get: op('list_parks', 'parks', 'park.read', { responses: { 200: json('Parks', { type: 'array', items: ref('ParkDto') }) } }),
    post: op('create_park', 'parks', 'park.write', { parameters: [csrf], requestBody: body('NewParkDto'), responses: { 201: json('Created', ref('ParkDto')) } }),
  },
  '/parks/{id}': {
    patch: op('update_park', 'parks', 'park.write', { parameters: [idParam, ifMatch, csrf], requestBody: body('ParkPatchDto'), responses: { 200: json('Updated', ref('ParkDto')) } }),
  },
  '/enterprises': {
    get: op('list_enterprises', 'enterprises', 'enterprise.read', { parameters: [...pageParams, q('q', str()), q('park_id', uuid), q('sort', str())], responses: { 200: json('Enterprises', ref('EnterprisePage')) } }),
    post: op('create_enterprise', 'enterprises', 'enterprise.write', { parameters: [csrf], requestBody: body('NewEnterpriseDto'), responses: { 201: json('Created', ref('EnterpriseDto')) } }),
  },
  '/enterprises/{id}': { get: op('get_enterprise', 'enterprises', 'enterprise.read', { parameters: [idParam], responses: { 200: json('Enterprise', ref('EnterpriseDto')) } }) },
  '/tokens': {
    get: op('list_tokens', 'tokens', 'token.own', { responses: { 200: json('Own tokens', { type: 'array', items: ref('ApiTokenDto') }) } }),
    post: op('create_token', 'tokens', 'token.own', { parameters: [csrf], requestBody: body('NewApiTokenRequestDto'), responses: { 201: json('Created; the secret is shown once', ref('NewApiTokenDto')) } }),
  },
  '/tokens/{id}': { delete: op('revoke_token', 'tokens', 'token.own', { parameters: [idParam, csrf], responses: noContent }) },
  '/audit': {
    get: op('list_audit', 'audit', 'audit.read', {
      parameters: [...pageParams, q('actor', str()), q('action', str()), q('entity_type', str()), q('entity_id', str()), q('from', dt), q('to', dt)],
      responses: { 200: json('Audit records', ref('AuditPage')) },
    }),
  },
  '/audit/verify': { get: op('verify_audit', 'audit', 'audit.read', { responses: { 200: json('Hash chain check', ref('AuditVerifyDto')) } }) },
};

const doc = {
  openapi: '3.1.0',
  info: { title: 'Yuanqu API', version: '1', description: 'Hand-written from docs/API.md until the server publishes /api/openapi.json; replace and run `npm run gen:api`.' },
  servers: [{ url: '/api/v1' }],
  paths,
  components: {
    schemas,
    securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'yq_session' }, token: { type: 'http', scheme: 'bearer' } },
  },
  security: [{ session: [] }, { token: [] }],
};
writeFileSync(process.argv[2], JSON.stringify(doc, null, 2) + '\n');
