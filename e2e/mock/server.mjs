// A small in-memory stand-in for the Yuanqu API (docs/API.md), serving web/dist, so the specs
// and the UI can be exercised before the real server exists. NOT the backend: no persistence,
// no real password rules. Usage: DEMO_PASSWORD=... PORT=8181 node e2e/mock/server.mjs
import http from 'node:http';
import { randomUUID, randomBytes } from 'node:crypto';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PORT = Number(process.env.PORT ?? 8181);
const PASSWORD = process.env.DEMO_PASSWORD ?? 'Demo!Pass-2026';
const DIST = resolve(fileURLToPath(new URL('../../web/dist', import.meta.url)));
const IDLE = Number(process.env.IDLE_SECS ?? 1800);

const PERMS = ['user.read', 'user.write', 'department.read', 'department.write', 'role.read', 'park.read', 'park.write',
  'enterprise.read', 'enterprise.write', 'token.own', 'audit.read', 'metrics.read'];
const ROLES = {
  zone_leader: ['园区领导', 'Zone leader', false, ['user.read', 'department.read', 'role.read', 'park.read', 'enterprise.read', 'token.own']],
  department_staff: ['科室工作人员', 'Department staff', false, ['department.read', 'park.read', 'enterprise.read', 'token.own']],
  party_staff: ['党群工作人员', 'Party staff', false, ['department.read', 'park.read', 'enterprise.read', 'token.own']],
  branch_secretary: ['支部书记', 'Branch secretary', false, []],
  inspector: ['巡查员', 'Inspector', false, ['park.read', 'enterprise.read']],
  enterprise: ['企业账号', 'Enterprise', false, ['enterprise.read', 'token.own']],
  worker: ['职工', 'Worker', false, []],
  province_observer: ['省级观察员', 'Province observer', false, ['park.read']],
  system_admin: ['系统管理员', 'System administrator', true, ['user.read', 'user.write', 'department.read', 'department.write', 'role.read', 'park.read', 'park.write', 'enterprise.read', 'enterprise.write', 'token.own', 'metrics.read']],
  security_admin: ['安全管理员', 'Security administrator', true, ['user.read', 'role.read', 'department.read', 'token.own', 'metrics.read']],
  audit_admin: ['安全审计员', 'Audit administrator', true, ['audit.read', 'user.read', 'role.read', 'token.own']],
};
const now = () => new Date().toISOString();
const users = [];
const addUser = (login, role, display_name, password = PASSWORD, extra = {}) =>
  users.push({ id: randomUUID(), login, role, display_name, password, department_id: null, enterprise_id: null, phone: null, active: true, locked_until: null, created_at: now(), version: 1, must_change: false, ...extra });
for (const [l, r, n] of [['admin', 'system_admin', '张管理'], ['security', 'security_admin', '李安全'], ['auditor', 'audit_admin', '王审计'], ['leader', 'zone_leader', '陈主任'], ['staff', 'department_staff', '刘科员'], ['party', 'party_staff', '黄党务'], ['secretary', 'branch_secretary', '周书记'], ['inspector', 'inspector', '吴巡查'], ['enterprise', 'enterprise', '某某科技'], ['worker', 'worker', '郑职工'], ['observer', 'province_observer', '省厅观察']]) addUser(l, r, n);
const departments = [{ id: randomUUID(), name: '管委会办公室', parent_id: null, version: 1 }];
departments.push({ id: randomUUID(), name: '经济发展局', parent_id: null, version: 1 });
const parks = [{ id: randomUUID(), code: 'P01', name: '东区', version: 1 }, { id: randomUUID(), code: 'P02', name: '西区', version: 1 }];
const enterprises = [{ id: randomUUID(), name: '晋江示例纺织有限公司', uscc: '91350582MA2XXXXX0X', park_id: parks[0].id }];
const tokens = [];
const audit = [];
const sessions = new Map();
const fails = new Map();
const log = (actor, action, entity_type, entity_id, before, after) =>
  audit.push({ id: randomUUID(), seq: audit.length + 1, at: now(), actor_login: actor, action, entity_type, entity_id, before, after, ip: '127.0.0.1', request_id: randomUUID() });

const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
const problem = (res, status, code, errors, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: 'about:blank', title: code, status, code, request_id: randomUUID(), ...(errors ? { errors } : {}) }));
};
const me = (s) => {
  const u = users.find((x) => x.id === s.user_id);
  const r = ROLES[u.role];
  return { id: u.id, zone_code: 'demo', zone_name: '示范经济开发区', login: u.login, display_name: u.display_name, role: u.role, role_name_zh: r[0], permissions: r[3], enterprise_id: u.enterprise_id, department_id: u.department_id, must_change_password: u.must_change, csrf_token: s.csrf, idle_timeout_secs: IDLE, expires_at: new Date(s.created + 12 * 3600e3).toISOString() };
};
const userDto = (u) => ({ id: u.id, login: u.login, display_name: u.display_name, role: u.role, department_id: u.department_id, department_name: departments.find((d) => d.id === u.department_id)?.name ?? null, enterprise_id: u.enterprise_id, enterprise_name: null, phone_masked: u.phone ? u.phone.slice(0, 3) + '****' + u.phone.slice(7) : null, active: u.active, locked_until: u.locked_until, created_at: u.created_at, version: u.version });
const page = (items, q) => {
  const p = Math.max(1, Number(q.get('page') ?? 1)), s = Math.min(100, Number(q.get('page_size') ?? 20));
  return { items: items.slice((p - 1) * s, p * s), total: items.length, page: p, page_size: s };
};
const pwErrors = (p) => (p.length < 8 ? [{ field: 'password', code: 'password.too_short' }] : []);

async function api(req, res, path, q) {
  const body = await new Promise((ok) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => { try { ok(b ? JSON.parse(b) : {}); } catch { ok(null); } }); });
  if (body === null) return problem(res, 400, 'request.malformed');
  const m = req.method;
  if (m === 'POST' && path === '/auth/login') {
    const key = `${body.zone}/${String(body.login).toLowerCase()}`;
    const f = fails.get(key) ?? [];
    if (f.filter((t) => Date.now() - t < 900e3).length >= 5) return problem(res, 429, 'auth.locked', undefined, { 'retry-after': '900' });
    const u = users.find((x) => x.login.toLowerCase() === String(body.login).toLowerCase());
    if (body.zone !== 'demo' || !u || u.password !== body.password || !u.active) { fails.set(key, [...f, Date.now()]); return problem(res, 401, 'auth.invalid_credentials'); }
    const sid = randomBytes(16).toString('hex');
    const s = { user_id: u.id, csrf: randomBytes(16).toString('hex'), created: Date.now(), last: Date.now() };
    sessions.set(sid, s);
    return send(res, 200, me(s), { 'set-cookie': `yq_session=${sid}; HttpOnly; SameSite=Lax; Path=/` });
  }
  const sid = /yq_session=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
  const s = sid && sessions.get(sid);
  if (!s || Date.now() - s.last > IDLE * 1000) return problem(res, 401, 'auth.required');
  s.last = Date.now();
  const u = users.find((x) => x.id === s.user_id);
  if (m !== 'GET' && req.headers['x-csrf-token'] !== s.csrf) return problem(res, 403, 'csrf.token');
  if (m === 'GET' && path === '/auth/me') return send(res, 200, me(s));
  if (m === 'POST' && path === '/auth/logout') { sessions.delete(sid); return send(res, 204); }
  if (m === 'POST' && path === '/auth/password') {
    if (body.current_password !== u.password) return problem(res, 422, 'validation.failed', [{ field: 'current_password', code: 'auth.invalid_credentials' }]);
    u.password = body.new_password; u.must_change = false; return send(res, 204);
  }
  if (u.must_change) return problem(res, 403, 'auth.password_change_required');
  const perms = ROLES[u.role][3];
  const need = (p) => { if (!perms.includes(p)) { problem(res, 403, 'auth.forbidden'); return false; } return true; };
  const ifMatch = (rec) => {
    const h = req.headers['if-match'];
    if (!h) { problem(res, 428, 'precondition.required'); return false; }
    if (h !== `"${rec.version}"`) { problem(res, 412, 'precondition.failed'); return false; }
    return true;
  };
  let mm;
  if (path === '/users' && m === 'GET') {
    if (!need('user.read')) return;
    const qq = (q.get('q') ?? '').toLowerCase(), role = q.get('role');
    return send(res, 200, page(users.filter((x) => (!qq || x.login.includes(qq) || x.display_name.includes(qq)) && (!role || x.role === role)).map(userDto), q));
  }
  if (path === '/users' && m === 'POST') {
    if (!need('user.write')) return;
    const errs = [];
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/.test(body.login ?? '')) errs.push({ field: 'login', code: 'login.format' });
    if (!ROLES[body.role]) errs.push({ field: 'role', code: 'role.unknown' });
    errs.push(...pwErrors(body.password ?? ''));
    if (errs.length) return problem(res, 422, 'validation.failed', errs);
    if (users.some((x) => x.login.toLowerCase() === body.login.toLowerCase())) return problem(res, 409, 'user.login_taken');
    addUser(body.login, body.role, body.display_name, body.password, { department_id: body.department_id ?? null, phone: body.phone ?? null, must_change: process.env.MUST_CHANGE === '1' });
    const nu = users[users.length - 1];
    log(u.login, 'user.create', 'user', nu.id, null, userDto(nu));
    return send(res, 201, userDto(nu));
  }
  if ((mm = /^\/users\/([\w-]+)$/.exec(path))) {
    const t = users.find((x) => x.id === mm[1]);
    if (!t) return problem(res, 404, 'not_found');
    if (m === 'GET') return need('user.read') && send(res, 200, userDto(t), { etag: `"${t.version}"` });
    if (!need('user.write') || !ifMatch(t)) return;
    const before = userDto(t);
    for (const k of ['display_name', 'role', 'department_id', 'active', 'password']) if (k in body) t[k] = body[k];
    t.version++;
    log(u.login, 'user.update', 'user', t.id, before, userDto(t));
    return send(res, 200, userDto(t));
  }
  if (path === '/departments' && m === 'GET') return need('department.read') && send(res, 200, departments);
  if (path === '/departments' && m === 'POST') {
    if (!need('department.write')) return;
    if (!body.name) return problem(res, 422, 'validation.failed', [{ field: 'name', code: 'required' }]);
    const d = { id: randomUUID(), name: body.name, parent_id: body.parent_id ?? null, version: 1 };
    departments.push(d); log(u.login, 'department.create', 'department', d.id, null, d);
    return send(res, 201, d);
  }
  if ((mm = /^\/departments\/([\w-]+)$/.exec(path))) {
    if (!need('department.write')) return;
    const d = departments.find((x) => x.id === mm[1]);
    if (!d) return problem(res, 404, 'not_found');
    if (m === 'DELETE') {
      if (departments.some((x) => x.parent_id === d.id) || users.some((x) => x.department_id === d.id)) return problem(res, 409, 'department.not_empty');
      departments.splice(departments.indexOf(d), 1); log(u.login, 'department.delete', 'department', d.id, d, null);
      return send(res, 204);
    }
    if (!ifMatch(d)) return;
    if ('parent_id' in body && body.parent_id) {
      for (let p = body.parent_id; p; p = departments.find((x) => x.id === p)?.parent_id) if (p === d.id) return problem(res, 409, 'department.cycle');
    }
    const before = { ...d };
    if (body.name) d.name = body.name;
    if ('parent_id' in body) d.parent_id = body.parent_id;
    d.version++; log(u.login, 'department.update', 'department', d.id, before, d);
    return send(res, 200, d);
  }
  if (path === '/roles') return need('role.read') && send(res, 200, { roles: Object.entries(ROLES).map(([code, [zh, en, admin, p]]) => ({ code, name_zh: zh, name_en: en, admin, permissions: p })), permissions: PERMS });
  if (path === '/parks' && m === 'GET') return need('park.read') && send(res, 200, parks);
  if (path === '/parks' && m === 'POST') {
    if (!need('park.write')) return;
    if (parks.some((p) => p.code === body.code)) return problem(res, 409, 'park.code_taken');
    const p = { id: randomUUID(), code: body.code, name: body.name, version: 1 }; parks.push(p); return send(res, 201, p);
  }
  if ((mm = /^\/parks\/([\w-]+)$/.exec(path))) {
    if (!need('park.write')) return;
    const p = parks.find((x) => x.id === mm[1]);
    if (!p) return problem(res, 404, 'not_found');
    if (!ifMatch(p)) return;
    Object.assign(p, body); p.version++; return send(res, 200, p);
  }
  if (path === '/enterprises' && m === 'GET') {
    if (!need('enterprise.read')) return;
    const qq = q.get('q') ?? '';
    return send(res, 200, page(enterprises.filter((e) => !qq || e.name.includes(qq) || e.uscc.includes(qq)).map((e) => ({ ...e, park_name: parks.find((p) => p.id === e.park_id)?.name ?? '' })), q));
  }
  if (path === '/enterprises' && m === 'POST') {
    if (!need('enterprise.write')) return;
    if (enterprises.some((e) => e.uscc === body.uscc)) return problem(res, 409, 'enterprise.uscc_taken');
    const e = { id: randomUUID(), name: body.name, uscc: body.uscc, park_id: body.park_id }; enterprises.push(e);
    return send(res, 201, { ...e, park_name: parks.find((p) => p.id === e.park_id)?.name ?? '' });
  }
  if (path === '/tokens' && m === 'GET') return need('token.own') && send(res, 200, tokens.filter((t) => t.user_id === u.id).map(({ user_id, ...t }) => t));
  if (path === '/tokens' && m === 'POST') {
    if (!need('token.own')) return;
    const secret = `yq_${randomBytes(20).toString('hex')}`;
    const t = { id: randomUUID(), user_id: u.id, name: body.name, prefix: secret.slice(0, 10), created_at: now(), expires_at: body.expires_in_days ? new Date(Date.now() + body.expires_in_days * 864e5).toISOString() : null, last_used_at: null };
    tokens.push(t); const { user_id, ...dto } = t;
    return send(res, 201, { ...dto, secret });
  }
  if ((mm = /^\/tokens\/([\w-]+)$/.exec(path)) && m === 'DELETE') {
    if (!need('token.own')) return;
    const i = tokens.findIndex((t) => t.id === mm[1] && t.user_id === u.id);
    if (i < 0) return problem(res, 404, 'not_found');
    tokens.splice(i, 1); return send(res, 204);
  }
  if (path === '/audit') return need('audit.read') && send(res, 200, page([...audit].reverse().filter((a) => (!q.get('actor') || a.actor_login === q.get('actor')) && (!q.get('action') || a.action === q.get('action')) && (!q.get('entity_type') || a.entity_type === q.get('entity_type'))), q));
  if (path === '/audit/verify') return need('audit.read') && send(res, 200, { ok: true, checked: audit.length });
  return problem(res, 404, 'not_found');
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/api/v1/')) return void api(req, res, url.pathname.slice(7), url.searchParams).catch((e) => { console.error(e); problem(res, 500, 'internal'); });
  let file = join(DIST, url.pathname);
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}).listen(PORT, '127.0.0.1', () => console.log(`mock API + web/dist on http://127.0.0.1:${PORT}`));
