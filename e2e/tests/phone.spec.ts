import { expect, test, type Page } from '@playwright/test';
import { login, screenshot } from '../support/app';

test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });

async function noHorizontalPageScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375 + 1);
}

test('on a phone the login and users pages are usable, the menu is a drawer', async ({ page }) => {
  await test.step('login page fits the screen', async () => {
    await page.goto('/login');
    await expect(page.getByTestId('login-submit')).toBeVisible();
    await noHorizontalPageScroll(page);
    await screenshot(page, 'phone-login');
  });

  await test.step('after login the side menu is hidden behind a drawer', async () => {
    await login(page, 'admin');
    await expect(page.getByTestId('aside')).toHaveCount(0);
    await expect(page.getByTestId('side-menu')).toHaveCount(0);
    await page.getByTestId('menu-toggle').click();
    const drawer = page.getByTestId('menu-drawer');
    await expect(drawer).toBeVisible();
    await screenshot(page, 'phone-menu-drawer');
    await drawer.getByTestId('menu-users').click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(drawer).toBeHidden();
  });

  await test.step('the users table scrolls sideways inside the page, dialogs are full width', async () => {
    await expect(page.getByTestId('users-table')).toBeVisible();
    await noHorizontalPageScroll(page);
    await screenshot(page, 'phone-users');

    await page.getByTestId('users-create').click();
    const form = page.getByTestId('user-form');
    await expect(form).toBeVisible();
    const dialog = page.locator('.el-dialog').filter({ has: form });
    const box = await dialog.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(370);
    await screenshot(page, 'phone-user-dialog');
    await page.getByTestId('user-cancel').click();
    await expect(form).toBeHidden();
  });
});
