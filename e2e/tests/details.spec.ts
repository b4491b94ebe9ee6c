import { expect, test } from '@playwright/test';
import { demoPassword, login, pickOption, runId, screenshot } from '../support/app';

/** The rules an administrator runs into, each shown in words they understand. */
test.describe('what the administrator is told', () => {
  test('departments: no cycles, no deleting a department that still has children', async ({ page }) => {
    const id = runId();
    const parent = `综合办${id}`;
    const child = `文秘科${id}`;
    await login(page, 'admin');
    await page.goto('/departments');
    await page.getByTestId('dept-add-root').click();
    await page.getByTestId('dept-name').fill(parent);
    await page.getByTestId('dept-save').click();
    await expect(page.getByTestId(`dept-node-${parent}`)).toBeVisible();
    await page.getByTestId(`dept-add-child-${parent}`).click();
    await page.getByTestId('dept-name').fill(child);
    await page.getByTestId('dept-save').click();
    await expect(page.getByTestId(`dept-node-${child}`)).toBeVisible();

    await page.getByTestId(`dept-move-${parent}`).click();
    await pickOption(page, page.getByTestId('dept-parent'), page.getByRole('option', { name: `${parent} / ${child}` }));
    await page.getByTestId('dept-save').click();
    await expect(page.getByTestId('dept-error')).toContainText('不能把部门移动到它自己或它的下级部门之下');
    await screenshot(page, 'admin-department-cycle');
    await page.getByTestId('dept-cancel').click();

    await page.getByTestId(`dept-delete-${parent}`).click();
    await page.locator('.el-message-box .el-button--danger').click();
    await expect(page.locator('.el-message--error')).toContainText('不能删除');

    // Clean up: child first, then the parent.
    for (const name of [child, parent]) {
      await page.getByTestId(`dept-delete-${name}`).click();
      await page.locator('.el-message-box .el-button--danger').click();
      await expect(page.getByTestId(`dept-node-${name}`)).toHaveCount(0);
    }
  });

  test('users: a taken login is reported under the login field', async ({ page }) => {
    await login(page, 'admin');
    await page.goto('/users');
    await page.getByTestId('users-create').click();
    await page.getByTestId('user-login').fill('admin');
    await page.getByTestId('user-display-name').fill('重复账号');
    await page.getByTestId('user-password').fill('Yq!Staff-2026-abc');
    await page.getByTestId('user-save').click();
    await expect(page.getByTestId('user-form')).toContainText('该账号已被使用');
    await page.getByTestId('user-cancel').click();
  });

  test('enterprises: the 统一社会信用代码 check character is checked while typing', async ({ page }) => {
    await login(page, 'admin');
    await page.goto('/enterprises');
    await expect(page.getByTestId('enterprises-table')).toBeVisible();
    await screenshot(page, 'admin-enterprises');
    await page.getByTestId('enterprises-create').click();
    await page.getByTestId('enterprise-uscc').fill('91350582ma2y0abc1x');
    await expect(page.getByTestId('enterprise-uscc')).toHaveValue('91350582MA2Y0ABC1X');
    await expect(page.getByTestId('enterprise-form')).toContainText('统一社会信用代码校验位不正确');
    await page.getByTestId('enterprise-cancel').click();
  });

  test('tokens: the secret is shown once, then the token can be revoked', async ({ page }) => {
    const name = `导出脚本${runId()}`;
    await login(page, 'admin');
    await page.goto('/tokens');
    await page.getByTestId('tokens-create').click();
    await page.getByTestId('token-name').fill(name);
    await page.getByTestId('token-save').click();
    await expect(page.getByTestId('token-secret')).toHaveValue(/^yq_/);
    await screenshot(page, 'admin-token-secret');
    await page.getByTestId('token-secret-close').click();
    await expect(page.getByTestId('token-secret')).toBeHidden();
    await expect(page.getByTestId(`token-row-${name}`)).toBeVisible();
    await page.getByTestId(`token-revoke-${name}`).click();
    await page.locator('.el-message-box .el-button--danger').click();
    await expect(page.getByTestId(`token-row-${name}`)).toHaveCount(0);
  });

  test('an unknown address shows the 404 page', async ({ page }) => {
    await login(page, 'admin');
    await page.goto('/no/such/page');
    await expect(page.getByTestId('page-404')).toBeVisible();
  });
});

test('the audit administrator reads the log and verifies the chain', async ({ page }) => {
  await login(page, 'auditor');
  await page.getByTestId('menu-audit').click();
  await expect(page.getByTestId('audit-table')).toBeVisible();
  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-verify-result')).toContainText(/审计链完整|审计链在第/);
  const expand = page.locator('.el-table__expand-icon').first();
  if ((await expand.count()) > 0) {
    await expand.click();
    await expect(page.locator('.yq-json').first()).toBeVisible();
  }
  await screenshot(page, 'auditor-audit');
});

test('a worker who mistyped five times is locked, and the security administrator lifts the lock', async ({ page, request }) => {
  const attempt = (password: string) =>
    request.post('/api/v1/auth/login', { data: { zone: 'demo', login: 'worker', password } });
  for (let i = 0; i < 5; i++) expect((await attempt('wrong-password-x')).status()).toBe(401);
  expect((await attempt(demoPassword())).status()).toBe(429);

  await login(page, 'security');
  await page.getByTestId('menu-users').click();
  await page.getByTestId('users-search').fill('worker');
  await page.getByTestId('users-search-btn').click();
  await expect(page.getByTestId('users-table')).toContainText('锁定至');
  await screenshot(page, 'security-locked-user');
  await page.getByTestId('user-unlock-worker').click();
  await expect(page.locator('.el-message--success')).toContainText('已解除该账号的登录锁定');
  expect((await attempt(demoPassword())).status()).toBe(200);
});

test('the security administrator sees a masked ID card number and shows it in full with a reason (PD-02)', async ({ page }) => {
  await login(page, 'security');
  await page.goto('/users');
  await page.getByTestId('users-search').fill('worker');
  await page.getByTestId('users-search-btn').click();
  const masked = page.getByTestId('user-id-card-worker');
  await expect(masked).toHaveText(/^350582\*{8}\d{3}[\dX]$/);
  await page.getByTestId('user-reveal-id-card-worker').click();
  await page.getByTestId('reveal-reason').fill('核对');
  await page.getByTestId('reveal-confirm').click();
  await expect(page.getByTestId('reveal-error')).toContainText('4–200');
  await page.getByTestId('reveal-reason').fill('核对实名信息 real-name check');
  await page.getByTestId('reveal-confirm').click();
  await expect(page.getByTestId('reveal-value')).toHaveText(/^350582\d{11}[\dX]$/);
  await screenshot(page, 'security-reveal-id-card');
  await page.getByTestId('reveal-close').click();
  await expect(page.getByTestId('reveal-value')).toHaveCount(0);
  await expect(masked).toHaveText(/\*{8}/);
});
