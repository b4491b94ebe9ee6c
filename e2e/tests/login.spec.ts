import { expect, test } from '@playwright/test';
import { demoPassword, login, menuKeys, submitLogin } from '../support/app';
import { DEMO_ACCOUNTS, expectedMenu } from '../support/roles';

test.describe('login', () => {
  test('the zone code defaults to demo and a wrong password is refused with a translated message', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByTestId('login-zone')).toHaveValue('demo');
    // The API answers identically for an unknown login and a wrong password (no account
    // enumeration); an unknown login keeps the real demo accounts clear of lock-outs on re-runs.
    await submitLogin(page, `nobody-${Date.now().toString(36)}`, 'wrong-password-123');
    await expect(page.getByTestId('login-error')).toContainText('园区代码、账号或密码错误');
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByTestId('login-password')).toHaveValue('');
  });

  test('an anonymous visitor of a page is sent to the login page and back after logging in', async ({ page }) => {
    await page.goto('/parks');
    await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)parks/);
    await submitLogin(page, 'observer', demoPassword(), { stay: true });
    await expect(page).toHaveURL(/\/parks$/);
    await expect(page.getByTestId('parks-table')).toBeVisible();
  });

  for (const { login: user, role } of DEMO_ACCOUNTS) {
    test(`${user} (${role}) sees exactly the menus of the role`, async ({ page }) => {
      await login(page, user);
      expect(await menuKeys(page)).toEqual(expectedMenu(role));
      // Every shortcut on the home page is a menu entry the role may open.
      const shortcuts = await page.locator('[data-testid^="shortcut-"]').evaluateAll((els) =>
        els.map((e) => (e.getAttribute('data-testid') ?? '').replace(/^shortcut-/, '')).sort(),
      );
      expect(shortcuts).toEqual(expectedMenu(role).filter((k) => k !== 'home'));
    });
  }
});
