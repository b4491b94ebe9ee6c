import { expect, test } from '@playwright/test';
import { login, runId, screenshot } from '../support/app';

/**
 * The system administrator sets up a webhook to a closed local port, queues a test delivery and
 * sees it in the delivery log (pending, then retried after the refused attempt); the header bell
 * leads to the inbox. No external network: the URL is 127.0.0.1:9.
 */
test('admin creates a webhook, tests it and reads its delivery log; the bell opens the inbox', async ({ page }) => {
  const name = `网关${runId()}`;

  await test.step('the bell leads to the inbox', async () => {
    await login(page, 'admin');
    await page.getByTestId('bell').click();
    await expect(page).toHaveURL(/\/inbox$/);
    await expect(page.getByTestId('page-inbox')).toBeVisible();
    await expect(page.getByTestId('inbox-summary')).not.toBeEmpty();
  });

  await test.step('a bad URL is refused as you type; a good one shows the secret once', async () => {
    await page.getByTestId('menu-webhooks').click();
    await expect(page).toHaveURL(/\/webhooks$/);
    await page.getByTestId('webhooks-create').click();
    const form = page.getByTestId('webhook-form');
    await page.getByTestId('webhook-name').fill(name);
    await page.getByTestId('webhook-url').fill('ftp://127.0.0.1/');
    await page.getByTestId('webhook-name').click();
    await expect(form.locator('.el-form-item__error').first()).toBeVisible();
    await page.getByTestId('webhook-url').fill('http://127.0.0.1:9/');
    await page.getByTestId('webhook-save').click();
    await expect(page.getByTestId('webhook-secret-dialog')).toBeVisible();
    await expect(page.getByTestId('webhook-secret')).toHaveValue(/^whsec_/);
    await page.getByTestId('webhook-secret-close').click();
    await expect(page.getByTestId(`webhook-row-${name}`)).toBeVisible();
  });

  await test.step('a test delivery shows in the log and is tried against the closed port', async () => {
    await page.getByTestId(`webhook-test-${name}`).click();
    await page.getByTestId(`webhook-log-${name}`).click();
    const log = page.getByTestId('deliveries-table');
    await expect(log).toContainText('webhook.test');
    await expect(log.getByTestId('delivery-state-pending')).toBeVisible();
    // The worker runs every 5 s: the refused attempt is logged and a retry scheduled.
    await expect(async () => {
      await page.getByTestId('webhook-log-refresh').click();
      await expect(log.locator('tbody tr').first()).toContainText(/error|refused|connect/i, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await screenshot(page, 'admin-webhooks');
  });
});
