import { expect, test, type Page } from '@playwright/test';
import { login, pickOption, runId, screenshot } from '../support/app';

/**
 * Issue 5 — visits (走访): the zone leader records a visit to an enterprise with a finding, turns
 * the finding into an appeal with one click (picking a category), and the visit page links to an
 * appeal whose channel is 走访 (visit).
 */

/** An active appeal category of the zone; creates a `policy` one when the zone has none. */
async function category(page: Page): Promise<string> {
  const rules = (await (await page.request.get('/api/v1/appeal-rules')).json()) as {
    categories: { id: string; name: string; active: boolean }[];
  };
  const active = rules.categories.find((c) => c.active);
  if (active) return active.name;
  const me = (await (await page.request.get('/api/v1/auth/me')).json()) as { csrf_token: string };
  const res = await page.request.post('/api/v1/appeal-rules', {
    headers: { 'X-CSRF-Token': me.csrf_token },
    data: {
      categories: [
        { code: 'policy', name: '政策咨询', accept_limit: '1wd', answer_limit: '3wd', resolve_limit: '10wd', yellow_pct: 80, pause_when_waiting: true },
      ],
      routes: [],
    },
  });
  expect(res.ok()).toBeTruthy();
  return '政策咨询';
}

test('a leader records a visit and turns a finding into an appeal', async ({ page }) => {
  const id = runId();
  const finding = `企业反映用电增容审批慢（${id}），影响新生产线投产`;
  await login(page, 'leader');
  const categoryName = await category(page);

  await page.getByTestId('menu-visits').click();
  await expect(page.getByTestId('page-visits')).toBeVisible();
  await expect(page.getByTestId('visits-kpi-enterprises')).toBeVisible();
  await page.getByTestId('visits-record').click();
  const dialog = page.getByTestId('visit-dialog');
  await expect(dialog).toBeVisible();
  const ent = dialog.locator('[data-testid="visit-enterprise"]');
  await ent.click();
  await page.keyboard.type('恒安');
  await page.getByRole('option', { name: '恒安食品有限公司' }).click();
  await dialog.locator('[data-testid="visit-visitors"] input, input[data-testid="visit-visitors"]').first().fill('园区领导、经济发展局');
  await dialog.locator('[data-testid="visit-summary"] textarea, textarea[data-testid="visit-summary"]').first().fill('了解企业生产经营情况');
  await dialog.locator('[data-testid="visit-finding-0"] input, input[data-testid="visit-finding-0"]').first().fill(finding);
  await page.getByTestId('visit-save').click();

  // The visit page: the finding, open, with its two buttons.
  await expect(page.getByTestId('page-visit')).toBeVisible();
  await expect(page.getByTestId('finding-0')).toContainText(finding);
  await expect(page.getByTestId('finding-0-outcome')).toHaveText('待处理');
  await page.getByTestId('finding-0-appeal').click();
  await pickOption(page, page.getByTestId('appeal-category'), page.getByRole('option', { name: categoryName }));
  await page.getByTestId('appeal-save').click();
  await expect(page.getByTestId('finding-0-outcome')).toHaveText('已转诉求');
  const link = page.getByTestId('finding-0-appeal-link');
  await expect(link).toContainText('诉求 SQ');
  await expect(page.getByTestId('finding-0')).toContainText('来源：走访');
  await screenshot(page, 'visit-finding-appeal');

  // The appeal it links to came in through a visit.
  const href = await link.getAttribute('href');
  const appealId = href?.split('/').pop() ?? '';
  const appeal = (await (await page.request.get(`/api/v1/appeals/${appealId}`)).json()) as {
    appeal: { channel: string; title: string; enterprise: string };
  };
  expect(appeal.appeal.channel).toBe('visit');
  expect(appeal.appeal.enterprise).toBe('恒安食品有限公司');
  expect(finding.startsWith(appeal.appeal.title)).toBeTruthy();

  // Back on the list, the period's figures count it.
  await page.getByTestId('menu-visits').click();
  await expect(page.getByTestId('visits-kpi-appeals')).not.toContainText(/^转诉求0/);
  await screenshot(page, 'visits');
});
