import { expect, test } from '@playwright/test';
import { login, menuKeys, pickOption, runId, screenshot } from '../support/app';
import { can, expectedMenu } from '../support/roles';

/**
 * The zone administrator sets up a new department and a colleague in it; the colleague logs in,
 * sees only what a department_staff may see, and switches the UI to English.
 */
test('admin creates a department and a staff member who then logs in with fewer rights', async ({ page, browser }) => {
  const id = runId();
  const deptName = `招商服务科${id}`;
  const staffLogin = `e2e_staff_${id}`;
  const staffName = `测试员${id}`;
  const staffPassword = 'Yq!Staff-2026-abc';

  await test.step('admin logs in and lands on the home page', async () => {
    await login(page, 'admin');
    await expect(page.getByTestId('home-welcome')).toBeVisible();
    await expect(page.getByTestId('home-zone')).not.toBeEmpty();
    expect(await menuKeys(page)).toEqual(expectedMenu('system_admin'));
    await screenshot(page, 'admin-home');
  });

  await test.step('admin creates a department', async () => {
    await page.getByTestId('menu-departments').click();
    await expect(page).toHaveURL(/\/departments$/);
    await expect(page.getByTestId('breadcrumb')).toContainText('部门管理');
    await page.getByTestId('dept-add-root').click();
    await page.getByTestId('dept-name').fill(deptName);
    await page.getByTestId('dept-save').click();
    await expect(page.getByTestId(`dept-node-${deptName}`)).toBeVisible();
    await screenshot(page, 'admin-departments');
  });

  await test.step('admin creates a department_staff user in it', async () => {
    await page.getByTestId('menu-users').click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(page.getByTestId('users-table')).toBeVisible();
    await page.getByTestId('users-create').click();
    const form = page.getByTestId('user-form');
    await expect(form).toBeVisible();

    // Validation as you type: a bad login is flagged before saving.
    await page.getByTestId('user-login').fill('-bad login');
    await expect(form.locator('.el-form-item__error').first()).toBeVisible();
    await page.getByTestId('user-login').fill(staffLogin);
    await page.getByTestId('user-display-name').fill(staffName);
    await pickOption(page, page.getByTestId('user-role'), page.getByTestId('role-option-department_staff'));
    await pickOption(page, page.getByTestId('user-department'), page.getByTestId(`dept-option-${deptName}`));
    await page.getByTestId('user-password').fill(staffPassword);
    await expect(form.locator('.el-form-item__error')).toHaveCount(0);
    await page.getByTestId('user-save').click();
    await expect(form).toBeHidden();

    await page.getByTestId('users-search').fill(staffLogin);
    await page.getByTestId('users-search-btn').click();
    await expect(page.getByTestId(`user-row-${staffLogin}`)).toBeVisible();
    await screenshot(page, 'admin-users');
  });

  await test.step('admin looks at roles and parks; the audit log is not the admin\'s', async () => {
    await page.getByTestId('menu-roles').click();
    await expect(page.getByTestId('roles-matrix')).toBeVisible();
    await expect(page.getByTestId('perm-system_admin-user.write')).toBeVisible();
    await expect(page.getByTestId('perm-worker-user.read')).toHaveCount(0);
    await screenshot(page, 'admin-roles');

    await page.getByTestId('menu-parks').click();
    await expect(page.getByTestId('parks-table')).toBeVisible();
    await screenshot(page, 'admin-parks');

    if (can('system_admin', 'audit.read')) {
      await page.getByTestId('menu-audit').click();
      await expect(page.getByTestId('audit-table')).toBeVisible();
      await screenshot(page, 'admin-audit');
    } else {
      // Separation of duties: the zone administrator does not read the audit log.
      await expect(page.getByTestId('menu-audit')).toHaveCount(0);
    }
  });

  await test.step('the new colleague logs in (second browser) and sees no user management', async () => {
    const context = await browser.newContext();
    const staff = await context.newPage();
    try {
      await login(staff, staffLogin, staffPassword);
      // An account created with an initial password may have to change it first.
      const forced = staff.getByTestId('must-change-password');
      await expect(staff.getByTestId('home-welcome').or(forced)).toBeVisible();
      if (await forced.isVisible()) {
        await expect(staff).toHaveURL(/\/profile/);
        await expect(staff.getByTestId('side-menu')).toHaveCount(0);
        await screenshot(staff, 'staff-must-change-password');
        await staff.getByTestId('pw-current').fill(staffPassword);
        await staff.getByTestId('pw-new').fill('Yq!Staff-2026-xyz');
        await staff.getByTestId('pw-confirm').fill('Yq!Staff-2026-xyz');
        await staff.getByTestId('pw-submit').click();
        await expect(staff.getByTestId('must-change-password')).toBeHidden();
      }
      await expect(staff.getByTestId('side-menu')).toBeVisible();
      await expect(staff.getByTestId('menu-users')).toHaveCount(0);
      expect(await menuKeys(staff)).toEqual(expectedMenu('department_staff'));
      await screenshot(staff, 'staff-home');

      await staff.goto('/users');
      await expect(staff).toHaveURL(/\/403/);
      await expect(staff.getByTestId('page-403')).toBeVisible();
      await expect(staff.getByTestId('page-403')).toContainText('403');
      await screenshot(staff, 'staff-403');

      await staff.getByTestId('lang-switch').click();
      await staff.getByTestId('lang-en').click();
      await expect(staff.getByTestId('menu-departments')).toContainText('Departments');
      await expect(staff.getByTestId('menu-profile')).toContainText('My profile');
      await expect(staff.getByTestId('page-403')).toContainText('Access denied');
      // The choice is remembered.
      await staff.getByTestId('menu-home').click();
      await expect(staff).toHaveURL(/\/$/);
      await staff.reload();
      await expect(staff.getByTestId('breadcrumb')).toContainText('Home');
      await expect(staff.getByTestId('home-title')).toContainText('Welcome');
      await expect(staff.getByTestId('group-zone')).toContainText('Zone');
      await screenshot(staff, 'staff-home-en');
    } finally {
      await context.close();
    }
  });

});
