import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { login, menuKeys, runId, screenshot } from '../support/app';
import { expectedMenu } from '../support/roles';

/**
 * Issue 4 — enterprises and the economy, as one story on the demo zone: 恒安食品 (the `enterprise`
 * account) files the open month with a value that trips a check rule, staff return it, the
 * enterprise corrects and resubmits, staff verify; the dashboard and the enterprise page show the
 * month; staff configure, run and publish the 2023 per-mu evaluation, which the enterprise then
 * reads with its explanation. Needs a freshly loaded demo database (the story changes data).
 */

const ENTERPRISE_NAME = '恒安食品有限公司';
const EVAL_YEAR = 2023;

/** YYYY-MM of `months` months before the current UTC month. */
function monthBack(months: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Fen as 万元 with two decimals, as typed into the form ("3424.02"). */
const wan = (fen: number) => (Math.round(fen / 10_000) / 100).toFixed(2);
/** Fen as the UI shows 万元 (zh-CN grouping, two decimals: "3,424.02"). */
/** Fen as the UI shows 万元: one decimal, zh-CN grouping (web/src/composables/money.ts). */
const wanShown = (fen: number) => (fen / 1_000_000).toLocaleString('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

type Values = { output_fen: number; revenue_fen: number; profit_fen: number; tax_fen: number; electricity_kwh: number; employees: number; rd_fen: number | null };

/** A signed-in page of its own browser context. */
async function session(browser: Browser, user: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, user);
  return page;
}

/** The enterprise's own report of a month, through the API with the page's session. */
async function ownReport(page: Page, period: string): Promise<{ values: Values; state: string } | undefined> {
  const res = await page.request.get(`/api/v1/stats/reports?period=${period}`);
  expect(res.ok()).toBeTruthy();
  const body = (await res.json()) as { items: { values: Values; state: string }[] };
  return body.items[0];
}

/** Confirms the open Element Plus message box (optionally typing into its prompt). */
async function confirmBox(page: Page, text?: string): Promise<Locator> {
  const box = page.locator('.el-message-box');
  await expect(box).toBeVisible();
  if (text !== undefined) await box.locator('input, textarea').first().fill(text);
  await box.locator('.el-message-box__btns .el-button--primary').click();
  await expect(box).toBeHidden();
  return box;
}

/** The text input of an Element Plus field, whether the test id sits on the input or on its wrapper. */
function input(page: Page, id: string): Locator {
  return page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}

/** The month picker (报告期) inside a scope: el-date-picker does not pass its test id on to the DOM. */
function monthPicker(scope: Locator): Locator {
  return scope.getByPlaceholder('报告期').or(scope.getByRole('combobox', { name: '报告期' })).first();
}

/**
 * Sets a month picker to `period` by typing (the UI's default month is Asia/Shanghai's last month,
 * which differs from UTC's in the last hours of a month).
 */
async function setMonth(picker: Locator, period: string): Promise<void> {
  await picker.fill(period);
  await picker.press('Enter');
  await expect(picker).toHaveValue(period);
}

/** Fills an el-input-number and commits the value. */
async function fillNumber(page: Page, id: string, value: string): Promise<void> {
  const field = input(page, id);
  await field.fill(value);
  await field.press('Tab');
  await expect(field).toHaveValue(value);
}


test.describe.serial('issue 4: monthly report → review → dashboard → enterprise page → per-mu evaluation', () => {
  const period = monthBack(1);
  const yearAgo = `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
  const reason = `产值同比异常，请核实后重新填报（${runId()}）`;
  let enterprise: Page;
  let staff: Page;
  let enterpriseId = '';
  let sane: Values;
  let flaggedOutputFen = 0;

  test.beforeAll(async ({ browser }) => {
    enterprise = await session(browser, 'enterprise');
    staff = await session(browser, 'staff');
  });
  test.afterAll(async () => {
    await enterprise?.context().close();
    await staff?.context().close();
  });

  test('the enterprise account files the open month; a value trips a check rule', async () => {
    const page = enterprise;
    // No 经济驾驶舱 for an enterprise account: neither in the menu nor by address.
    expect(await menuKeys(page)).toEqual(expectedMenu('enterprise'));
    expect(await menuKeys(page)).not.toContain('economy');
    await page.goto('/economy');
    await expect(page).toHaveURL(/\/403/);

    // Its own enterprise page gives the id used later.
    await page.getByTestId('menu-ownEnterprise').click();
    await expect(page).toHaveURL(/\/enterprises\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('enterprise-title')).toContainText(ENTERPRISE_NAME);
    enterpriseId = page.url().split('/').pop()!;

    // Sane values from the history: output between last year's month and the previous month
    // (inside ±50 % of both), revenue and electricity as a year ago, the rest as last month.
    expect(await ownReport(page, period), `the demo leaves ${period} of ${ENTERPRISE_NAME} unfiled`).toBeUndefined();
    const ago = (await ownReport(page, yearAgo))?.values;
    const prev = (await ownReport(page, monthBack(2)))?.values;
    expect(ago, `a ${yearAgo} report`).toBeTruthy();
    expect(prev, `a ${monthBack(2)} report`).toBeTruthy();
    const revenue = ago!.revenue_fen;
    sane = {
      output_fen: Math.round((ago!.output_fen + prev!.output_fen) / 2 / 10_000) * 10_000,
      revenue_fen: Math.round(revenue / 10_000) * 10_000,
      profit_fen: Math.round(Math.min(prev!.profit_fen, revenue / 10) / 10_000) * 10_000,
      tax_fen: Math.round(prev!.tax_fen / 10_000) * 10_000,
      electricity_kwh: ago!.electricity_kwh,
      employees: prev!.employees,
      rd_fen: Math.round((prev!.rd_fen ?? 0) / 10_000) * 10_000,
    };
    // Three times last year's output: 同比 +200 %, far over the ±50 % rule.
    flaggedOutputFen = Math.round((ago!.output_fen * 3) / 10_000) * 10_000;

    await page.getByTestId('menu-statsMy').click();
    await expect(page).toHaveURL(/\/stats\/my$/);
    await expect(page.getByTestId('stats-my-table')).toBeVisible();
    await page.getByTestId('stats-my-new').click();
    await expect(page.getByTestId('stats-my-form')).toBeVisible();
    await setMonth(monthPicker(page.getByTestId('stats-my-form')), period);
    const typed: Record<string, string> = {
      output: wan(flaggedOutputFen),
      revenue: wan(sane.revenue_fen),
      profit: wan(sane.profit_fen),
      tax: wan(sane.tax_fen),
      electricity: String(sane.electricity_kwh),
      employees: String(sane.employees),
      rd: wan(sane.rd_fen ?? 0),
    };
    for (const [m, v] of Object.entries(typed)) await input(page, `stats-my-${m}`).fill(v);
    await page.getByTestId('stats-my-save').click();
    await expect(page.locator('.el-message--success').filter({ hasText: '草稿已保存' })).toBeVisible();
    await expect(page.getByTestId(`stats-my-row-${period}`)).toBeVisible();

    await page.getByTestId('stats-my-submit').click();
    // Flagged: the dialog stays open with the rule's message.
    const flag = page.getByTestId('stats-my-flag').filter({ hasText: '同比' }).first();
    await expect(flag).toBeVisible();
    await expect(flag).toContainText('超过 ±50%');
    await screenshot(page, 'economy-report-flagged');
    await page.getByTestId('stats-my-cancel').click();
    const row = page.getByTestId('stats-my-table').locator('.el-table__row').filter({ has: page.getByTestId(`stats-my-row-${period}`) });
    await expect(row).toContainText('已提交');
    await expect(row).toContainText('待核查');
  });

  test('staff find the flagged report in 月报审核 and return it with a reason', async () => {
    const page = staff;
    await page.getByTestId('menu-statsReports').click();
    await expect(page).toHaveURL(/\/stats\/reports/);
    await setMonth(monthPicker(page.getByTestId('page-stats-reports')), period);
    await input(page, 'stats-reports-q').fill('恒安');
    await page.getByTestId('stats-reports-search').click();
    const table = page.getByTestId('stats-reports-table');
    const row = table.locator('.el-table__row').filter({ hasText: ENTERPRISE_NAME });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('待核查');
    await expect(row).toContainText(wanShown(flaggedOutputFen));
    await screenshot(page, 'economy-review-queue');

    await row.locator('[data-testid^="stats-report-row-"]').click();
    const drawer = page.locator('.el-drawer').filter({ hasText: `${ENTERPRISE_NAME} · ${period}` });
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId('stats-report-flag').filter({ hasText: '同比' }).first()).toContainText('超过 ±50%');
    await expect(drawer.getByTestId('stats-report-values')).toContainText('+200.0%');
    await screenshot(page, 'economy-review-drawer');
    await drawer.getByTestId('stats-report-return').click();
    await confirmBox(page, reason);
    await expect(drawer).toContainText('已退回');
    await expect(drawer).toContainText(reason);
  });

  test('the enterprise reads the reason, corrects the output and resubmits', async () => {
    const page = enterprise;
    await page.goto('/stats/my');
    const row = page.getByTestId('stats-my-table').locator('.el-table__row').filter({ has: page.getByTestId(`stats-my-row-${period}`) });
    await expect(row).toContainText('已退回');
    await expect(row).toContainText(reason);
    await page.getByTestId(`stats-my-row-${period}`).click();
    await expect(page.getByTestId('stats-my-returned')).toContainText(reason);
    const output = input(page, 'stats-my-output');
    await expect(output).toHaveValue(String(Number(wan(flaggedOutputFen))));
    await output.fill(wan(sane.output_fen));
    await page.getByTestId('stats-my-submit').click();
    // Not flagged any more: the dialog closes and the month waits for review.
    await expect(page.getByTestId('stats-my-form')).toBeHidden({ timeout: 15_000 });
    await expect(row).toContainText('已提交');
    await expect(row).not.toContainText('待核查');
    await expect(row).toContainText(wanShown(sane.output_fen));
    await screenshot(page, 'economy-report-resubmitted');
  });

  test('staff verify the corrected report', async () => {
    const page = staff;
    await page.goto(`/stats/reports?period=${period}&state=submitted&q=${encodeURIComponent('恒安')}`);
    const row = page.getByTestId('stats-reports-table').locator('.el-table__row').filter({ hasText: ENTERPRISE_NAME });
    await expect(row).toHaveCount(1);
    await expect(row).not.toContainText('待核查');
    await row.locator('[data-testid^="stats-report-row-"]').click();
    const drawer = page.locator('.el-drawer').filter({ hasText: `${ENTERPRISE_NAME} · ${period}` });
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId('stats-report-flag')).toHaveCount(0);
    await expect(drawer.getByTestId('stats-report-values')).toContainText(wanShown(sane.output_fen));
    await drawer.getByTestId('stats-report-verify').click();
    await expect(drawer).toContainText('已核定');
    await expect(drawer.getByTestId('stats-report-verify')).toHaveCount(0);
  });

  test('the dashboard shows the open month and the enterprise page the verified month', async ({ browser }) => {
    const leader = await session(browser, 'leader');
    try {
      await leader.getByTestId('menu-economy').click();
      await expect(leader).toHaveURL(/\/economy$/);
      await expect(monthPicker(leader.getByTestId('economy-dashboard'))).toHaveValue(period);
      await expect(leader.getByTestId('economy-ytd')).toContainText(/\d/);
      await expect(leader.getByTestId('economy-above-count')).toContainText(/[1-9]/);
      await expect(leader.getByTestId('economy-top').locator('.el-table__row')).not.toHaveCount(0);
      await expect(leader.getByTestId('economy-months').locator('canvas')).toBeVisible();
      await screenshot(leader, 'economy-dashboard');

      // The enterprise page: the new month in the statistics section (built by EnterpriseStats.vue).
      await leader.goto(`/enterprises/${enterpriseId}`);
      await expect(leader.getByTestId('enterprise-title')).toContainText(ENTERPRISE_NAME);
      const stats = leader.getByTestId('enterprise-stats');
      await expect(stats).toBeVisible();
      await expect(leader.locator('.el-loading-mask')).toHaveCount(0);
      const month = leader.getByTestId(`enterprise-stats-month-${period}`);
      await expect(month).toBeVisible();
      await expect(month).toContainText(wanShown(sane.output_fen));
      await screenshot(leader, 'economy-enterprise-page');
    } finally {
      await leader.context().close();
    }

    // The dashboard at phone width.
    const phone = await session(browser, 'leader');
    try {
      await phone.setViewportSize({ width: 375, height: 812 });
      await phone.goto('/economy');
      await expect(phone.getByTestId('economy-ytd')).toContainText(/\d/);
      await expect(phone.getByTestId('economy-top')).toBeVisible();
      await screenshot(phone, 'economy-dashboard-phone');
    } finally {
      await phone.context().close();
    }
  });

  test(`staff create, configure, run and publish the ${EVAL_YEAR} per-mu evaluation`, async () => {
    const page = staff;
    await page.goto('/evaluations');
    await expect(page.getByTestId('menu-evaluations')).toBeVisible();
    await expect(page.getByTestId('evaluation-status')).toBeVisible();
    await page.getByTestId('evaluation-create').click();
    await fillNumber(page, 'evaluation-new-year', String(EVAL_YEAR));
    await page.getByTestId('evaluation-create-save').click();
    await expect(input(page, 'evaluation-new-year')).toBeHidden();
    await expect(page.getByTestId('evaluation-year')).toContainText(`${EVAL_YEAR} · 草稿`);
    await expect(page.getByTestId('evaluation-status')).toHaveText('草稿');

    // The configuration: the class rule by shares, A 25 % instead of the default.
    await page.getByTestId('evaluation-config').getByText('评价配置').click();
    await page.getByTestId('evaluation-rule-shares').click();
    await fillNumber(page, 'evaluation-share-a_pct', '25');
    await expect(page.getByTestId('evaluation-weight-sum')).toContainText('100');
    await page.getByTestId('evaluation-save').click();
    await expect(page.locator('.el-message--success').filter({ hasText: '已保存' })).toBeVisible();
    await expect(input(page, 'evaluation-share-a_pct')).toHaveValue('25');
    await screenshot(page, 'economy-evaluation-config');

    await page.getByTestId('evaluation-run').click();
    await expect(page.locator('.el-message--success').filter({ hasText: '评价完成' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('evaluation-status')).toHaveText('已运行');
    await expect(page.getByTestId('evaluation-results').locator('.el-table__row').first()).toBeVisible();
    await expect(page.getByTestId('evaluation-distribution-A')).toBeVisible();

    await page.getByTestId('evaluation-publish').click();
    await expect(page.locator('.el-message-box')).toContainText(String(EVAL_YEAR));
    await confirmBox(page);
    await expect(page.getByTestId('evaluation-status')).toHaveText('已发布');
    await expect(page.getByTestId('evaluation-run')).toHaveCount(0);
    await screenshot(page, 'economy-evaluation-published');
  });

  test(`the enterprise reads its ${EVAL_YEAR} class with the explanation`, async () => {
    const page = enterprise;
    await page.getByTestId('menu-evaluationsMine').click();
    await expect(page).toHaveURL(/\/evaluations\/mine$/);
    const card = page.getByTestId(`enterprise-evaluation-${EVAL_YEAR}`);
    await expect(card).toBeVisible();
    await expect(page.getByTestId(`enterprise-evaluation-class-${EVAL_YEAR}`)).toHaveText(/^[ABCD] 类$/);
    await expect(page.getByTestId(`enterprise-evaluation-${EVAL_YEAR}-tax_per_mu`)).toContainText(/亩均税收 .+得分 /);
    await expect(card.locator('li')).not.toHaveCount(0);
    await screenshot(page, 'economy-evaluations-mine');

    // The enterprise page's evaluation section (EnterpriseEvaluations.vue) lists the year too.
    await page.goto(`/enterprises/${enterpriseId}`);
    await expect(page.getByTestId('enterprise-title')).toContainText(ENTERPRISE_NAME);
    await expect(page.locator('.el-loading-mask')).toHaveCount(0);
    const section = page.getByTestId('enterprise-evaluations').last();
    await expect(section.getByTestId(`enterprise-evaluation-${EVAL_YEAR}`)).toBeVisible();
  });
});

test.describe('dashboard drill-down', () => {
  test('an enterprise of the top-20 opens its page; a park link filters the enterprise list', async ({ page }) => {
    await login(page, 'staff');
    await page.goto('/economy');
    const first = page.getByTestId('economy-top').locator('.el-table__row').first().getByRole('link');
    await expect(first).toBeVisible();
    const name = (await first.innerText()).trim();
    await first.click();
    await expect(page).toHaveURL(/\/enterprises\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('enterprise-title')).toContainText(name);

    const res = await page.request.get('/api/v1/parks');
    expect(res.ok()).toBeTruthy();
    const parks = (await res.json()) as { id: string; name: string }[];
    expect(parks.length).toBeGreaterThan(1);
    const park = parks[parks.length - 1]!;
    await page.goto(`/enterprises?park_id=${park.id}`);
    await expect(page.getByTestId('enterprises-park-filter')).toContainText(park.name);
    const rows = page.getByTestId('enterprises-table').locator('.el-table__body-wrapper .el-table__row');
    await expect(rows.first()).toBeVisible();
    await expect(page.locator('.el-loading-mask')).toHaveCount(0);
    const parkCells = await rows.evaluateAll((trs, n) => trs.map((tr) => tr.textContent?.includes(n) ?? false), park.name);
    expect(parkCells.length).toBeGreaterThan(0);
    expect(parkCells.every(Boolean)).toBe(true);
    await screenshot(page, 'economy-drill-park');

    // A class of the dashboard's pie: the year's results of that class only.
    await page.goto('/evaluations?year=2025&class=A');
    await expect(page.getByTestId('evaluation-year')).toContainText('2025');
    await expect(page.getByTestId('evaluation-class-filter')).toContainText('A 类');
    const classes = page.getByTestId('evaluation-results').locator('.el-table__fixed-right, .el-table__body-wrapper').first().locator('[data-testid^="evaluation-class-"]');
    await expect(classes.first()).toBeVisible();
    await expect(page.locator('.el-loading-mask')).toHaveCount(0);
    expect(new Set(await classes.allInnerTexts())).toEqual(new Set(['A']));
  });

  test('staff set the year\'s target in 亿元 and the dashboard measures the year to date against it', async ({ page }) => {
    await login(page, 'staff');
    await page.goto('/economy');
    await expect(page.getByTestId('economy-ytd')).toContainText(/\d/);
    await page.getByTestId('economy-set-target').click();
    const prompt = page.locator('.yq-target-prompt');
    await prompt.locator('input').fill('12.5亿');
    await prompt.getByRole('button', { name: /确定|OK/ }).click();
    await expect(prompt).toContainText('请输入亿元数');
    await prompt.locator('input').fill('1234.5678');
    await prompt.getByRole('button', { name: /确定|OK/ }).click();
    await expect(page.locator('.el-message--success')).toBeVisible();
    await expect(page.getByTestId('economy-dashboard')).toContainText('年度目标 1,234.57 亿元');
    const res = await page.request.get('/api/v1/stats/targets');
    const targets = (await res.json()) as { year: number; target_fen: number }[];
    expect(targets[0]!.target_fen).toBe(12_345_678_000_000);
  });
});
