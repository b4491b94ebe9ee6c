import { expect, test } from '@playwright/test';
import { login } from '../support/app';

/**
 * An official leaves the page open: two minutes before the idle timeout the app offers to renew
 * the session; left alone after that, it ends on the login page with a message. The browser's
 * clock is fast-forwarded; the server's session is not touched by the waiting.
 */
test('the session-expiry warning renews the session, and an expired session goes to login', async ({ page }) => {
  await page.clock.install();
  await login(page, 'worker');
  const idle = await page.evaluate(async () => {
    const res = await fetch('/api/v1/auth/me', { credentials: 'same-origin' });
    return ((await res.json()) as { idle_timeout_secs: number }).idle_timeout_secs;
  });
  expect(idle).toBeGreaterThan(150);

  await test.step('2 minutes before the idle timeout the warning appears; 续期 renews', async () => {
    await page.clock.fastForward((idle - 100) * 1000);
    const box = page.locator('.yq-session-box');
    await expect(box).toBeVisible();
    await expect(box).toContainText('会话即将过期');
    await page.locator('.yq-session-renew').click();
    await expect(box).toBeHidden();
    await expect(page.getByText('会话已续期')).toBeVisible();
  });

  await test.step('without activity the session ends on the login page', async () => {
    await page.clock.fastForward((idle - 100) * 1000);
    await expect(page.locator('.yq-session-box')).toBeVisible();
    await page.clock.fastForward(200 * 1000);
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByTestId('login-expired')).toContainText('会话已过期');
  });
});
