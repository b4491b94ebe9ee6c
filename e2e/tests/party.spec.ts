import { expect, test, type APIRequestContext, type Browser, type Locator, type Page } from '@playwright/test';
import { login, runId, screenshot } from '../support/app';

/**
 * Issue 7 — party building (党建), "Done when 1":
 * (a) party-work staff (`party`) create a workshop branch (车间党支部) of 恒安食品有限公司, founded a
 *     year ago, with the demo `secretary` account as its secretary, and add two members;
 * (b) the 三会一课 view shows the new branch red for last month;
 * (c) `secretary` records a 支部委员会 meeting held last month, with attendance, in the form;
 * (d) the branch (its secretary) applies for 红色车间; `party` awards it with a certificate number;
 * (e) it is on the honour wall and on 恒安食品's page (seen by the enterprise account);
 * (f) the 三会一课 view shows the branch green for last month.
 * Names carry a run id, so reruns against the same database pass.
 */

const ENTERPRISE = '恒安食品有限公司';
/** The display name of the demo `secretary` account. */
const SECRETARY_ACCOUNT = '支部书记 施建军';

function zoneDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
/** The `day`th of last month (zone time), as YYYY-MM-DD. */
function lastMonthDay(day: number): string {
  const [y, m] = zoneDay().split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, day)).toISOString().slice(0, 10);
}

/** A valid 18-digit 居民身份证号 (GB 11643 check character), random birth date and sequence. */
function idCard(): string {
  const birth = new Date(Date.UTC(1970, 0, 1) + Math.floor(Math.random() * 30 * 365) * 86_400_000);
  const body = `350582${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * W[i]!, 0);
  return body + '10X98765432'[sum % 11];
}

function input(scope: Page | Locator, id: string): Locator {
  return scope.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}
function textarea(scope: Page | Locator, id: string): Locator {
  return scope.locator(`textarea[data-testid="${id}"], [data-testid="${id}"] textarea`).first();
}
/**
 * Types a date into an Element Plus date picker of a dialog (found by its form label: the picker
 * passes no test id to its input; a required field's label starts with a CSS "*") and commits it.
 */
async function setDate(dialog: Locator, page: Page, label: string, day: string): Promise<void> {
  const el = dialog.getByRole('combobox', { name: new RegExp(`^[*\\s]*${label}$`) });
  await el.click();
  await el.fill(day);
  await el.press('Enter');
  // Close the calendar by clicking the dialog's header (Escape would close the dialog itself).
  await dialog.locator('.el-dialog__header').click();
  await expect(el).toHaveValue(day);
  await expect(page.locator('.el-picker__popper:visible')).toHaveCount(0);
}
/** Opens an Element Plus select and picks the visible option with this exact name. */
async function choose(page: Page, select: Locator, name: string): Promise<void> {
  await select.click();
  const option = page.getByRole('option', { name, exact: true });
  await option.click();
  await expect(option).toBeHidden();
}

async function session(browser: Browser, user: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, user);
  return page;
}

async function csrf(request: APIRequestContext): Promise<string> {
  const me = (await (await request.get('/api/v1/auth/me')).json()) as { csrf_token: string };
  return me.csrf_token;
}

interface Rules {
  requirements: { kind: string; every: string; times: number }[];
  yellow_pct: number;
  version: number;
}

test.describe.serial('party building: a workshop branch meets, is awarded 红色车间, and turns green', () => {
  const run = runId();
  const branch = `冲压车间党支部-${run}`;
  const workshop = `冲压车间-${run}`;
  const memberA = `林党员${run}`;
  const memberB = `陈党员${run}`;
  const meeting = `支部委员会-${run}`;
  const honour = `红色车间-冲压车间-${run}`;
  const certificate = `JJ-HS-${run}`;
  let orgId = '';
  let savedRules: Rules | null = null;

  test.afterAll(async ({ browser }) => {
    // Put the zone's meeting rules back as they were (see (a)).
    if (!savedRules) return;
    const page = await session(browser, 'party');
    const now = (await (await page.request.get('/api/v1/party/rules')).json()) as Rules;
    await page.request.post('/api/v1/party/rules', {
      headers: { 'X-CSRF-Token': await csrf(page.request) },
      data: { requirements: savedRules.requirements, yellow_pct: savedRules.yellow_pct, version: now.version },
    });
    await page.context().close();
  });

  test('(a) party staff create a workshop branch of 恒安食品 and add two members', async ({ page }) => {
    await login(page, 'party');
    await expect(page.getByTestId('group-party')).toBeVisible();
    await page.getByTestId('menu-partyOrgs').click();
    await expect(page.getByTestId('page-party-orgs')).toBeVisible();
    // The zone's 党工委 (the root) — made here, in the form, on a database without party data.
    const orgs = (await (await page.request.get('/api/v1/party/orgs')).json()) as { items: { id: string; name: string; parent_id?: string | null }[] };
    let root = orgs.items.find((o) => !o.parent_id)?.name;
    if (!root) {
      root = '经济开发区党工委';
      await page.getByTestId('party-org-new').click();
      const d = page.getByTestId('party-org-dialog');
      await choose(page, page.getByTestId('party-org-type'), '党工委');
      await input(page, 'party-org-name').fill(root);
      await page.getByTestId('party-org-save').click();
      await expect(d).toBeHidden();
      await expect(page.getByTestId('party-org-title')).toHaveText(root);
      await page.getByTestId('menu-partyOrgs').click();
    }

    await page.getByTestId('party-org-new').click();
    const dialog = page.getByTestId('party-org-dialog');
    await expect(dialog).toBeVisible();
    await choose(page, page.getByTestId('party-org-parent'), root);
    await choose(page, page.getByTestId('party-org-type'), '车间党支部');
    await input(page, 'party-org-name').fill(branch);
    await page.getByTestId('party-org-enterprise').click();
    await page.keyboard.type('恒安食品');
    await page.getByRole('option', { name: ENTERPRISE, exact: true }).click();
    await input(page, 'party-org-workshop').fill(workshop);
    // The demo branch-secretary account (`secretary`), picked from /party/secretaries.
    await choose(page, page.getByTestId('party-org-secretary-user'), SECRETARY_ACCOUNT);
    await expect(input(page, 'party-org-secretary')).toHaveValue('施建军');
    await setDate(dialog, page, '成立日期', zoneDay(-365));
    await page.getByTestId('party-org-save').click();
    await expect(dialog).toBeHidden();
    await expect(page).toHaveURL(/\/party\/orgs\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('party-org-title')).toHaveText(branch);
    await expect(page.getByTestId('party-org-type-name')).toHaveText('车间党支部');
    orgId = page.url().split('/').pop()!;

    // The demo zone requires several kinds of meeting; the story is about one branch committee
    // meeting, so for a deterministic red → green the rules become "branch committee, monthly,
    // once" (through the API: this is set-up, not what is tested; put back in afterAll).
    savedRules = (await (await page.request.get('/api/v1/party/rules')).json()) as Rules;
    const setRules = await page.request.post('/api/v1/party/rules', {
      headers: { 'X-CSRF-Token': await csrf(page.request) },
      data: { requirements: [{ kind: 'branch_committee', every: 'month', times: 1 }], yellow_pct: savedRules.yellow_pct, version: savedRules.version },
    });
    expect(setRules.ok(), await setRules.text()).toBeTruthy();

    // Two members, through the form.
    await page.getByTestId('menu-partyMembers').click();
    await expect(page.getByTestId('page-party-members')).toBeVisible();
    const cards: string[] = [];
    for (const [name, joined] of [
      [memberA, zoneDay(-3000)],
      [memberB, zoneDay(-1500)],
    ] as const) {
      await page.getByTestId('party-member-new').click();
      const d = page.getByTestId('party-member-dialog');
      await expect(d).toBeVisible();
      await choose(page, page.getByTestId('party-member-org'), branch);
      await input(page, 'party-member-name').fill(name);
      const card = idCard();
      cards.push(card);
      await input(page, 'party-member-id-card').fill(card);
      await input(page, 'party-member-phone').fill(`139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`);
      await input(page, 'party-member-education').fill('大专');
      await setDate(d, page, '入党日期', joined);
      await input(page, 'party-member-post').fill('冲压工');
      await page.getByTestId('party-member-save').click();
      await expect(d).toBeHidden();
    }
    await input(page, 'party-members-q').fill(run);
    await page.getByTestId('party-members-search').click();
    const table = page.getByTestId('party-members-table');
    await expect(table.locator('.el-table__body tr')).toHaveCount(2);
    await expect(table).toContainText(memberA);
    // ID card numbers are masked in the list.
    for (const card of cards) await expect(table).not.toContainText(card);
    await screenshot(page, 'party-members');

    await page.goto(`/party/orgs/${orgId}`);
    await expect(page.getByTestId('party-org-count')).toHaveText('2');
  });

  test('(b) the 三会一课 view shows the new branch red for last month', async ({ page }) => {
    expect(orgId).not.toBe('');
    await login(page, 'party');
    await page.getByTestId('menu-partyCompliance').click();
    await expect(page.getByTestId('page-party-compliance')).toBeVisible();
    await page.getByTestId('party-comp-last-month').click();
    await expect(page.getByTestId('party-comp-period')).toHaveText(`${lastMonthDay(1)} ~ ${lastMonthEnd()}`);
    const row = page.getByTestId(`party-comp-row-${orgId}`);
    await expect(row).toHaveAttribute('data-colour', 'red');
    await expect(page.getByTestId(`party-comp-${orgId}-branch_committee`)).toHaveText('0 / 1');
    await screenshot(page, 'party-compliance-red');
  });

  test('(c) the branch secretary records last month\'s branch committee meeting with attendance', async ({ browser }) => {
    expect(orgId).not.toBe('');
    const page = await session(browser, 'secretary');
    await expect(page.getByTestId('group-party')).toBeVisible();
    await page.getByTestId('menu-partyActivities').click();
    await expect(page.getByTestId('page-party-activities')).toBeVisible();
    await page.getByTestId('party-activity-new').click();
    const d = page.getByTestId('party-activity-dialog');
    await expect(d).toBeVisible();
    await choose(page, page.getByTestId('party-activity-org'), branch);
    await page.getByTestId('party-activity-kind-meeting').click();
    await choose(page, page.getByTestId('party-activity-meeting-kind'), '支部委员会');
    await input(page, 'party-activity-title').fill(meeting);
    await input(page, 'party-activity-theme').fill('学习贯彻安全生产责任制');
    await setDate(d, page, '日期', lastMonthDay(10));
    await input(page, 'party-activity-place').fill(`${workshop}会议室`);
    await textarea(page, 'party-activity-agenda').fill('一、传达上级精神；二、研究冲压车间红色车间创建。');
    await textarea(page, 'party-activity-summary').fill('会议决定申报红色车间，由支部书记牵头准备材料。');
    // Attendance: both members listed, present by default; 陈 was absent.
    const attendance = page.getByTestId('party-activity-attendance');
    await expect(attendance.getByRole('checkbox', { name: memberA })).toBeChecked();
    await attendance.getByText(memberB, { exact: true }).click();
    await expect(attendance.getByRole('checkbox', { name: memberB })).not.toBeChecked();
    await expect(attendance).toContainText('出席 1 / 2 人');
    await page.getByTestId('party-activity-save').click();
    await expect(d).toBeHidden();

    const table = page.getByTestId('party-activities-table');
    const row = table.locator('.el-table__body tr', { hasText: meeting });
    await expect(row).toContainText('支部委员会');
    await expect(row).toContainText('1 / 2');
    await row.click();
    const drawer = page.getByTestId('party-activity-drawer-attendance');
    await expect(drawer).toContainText(`${memberA} · 出席`);
    await expect(drawer).toContainText(`${memberB} · 缺席`);
    await screenshot(page, 'party-activity');
    await page.context().close();
  });

  test('(d) the branch applies for 红色车间 and party staff award it', async ({ browser }) => {
    expect(orgId).not.toBe('');
    const sec = await session(browser, 'secretary');
    await sec.getByTestId('menu-partyDesignations').click();
    await expect(sec.getByTestId('page-party-designations')).toBeVisible();
    await sec.getByTestId('party-des-apply').click();
    const d = sec.getByTestId('party-des-dialog');
    await expect(d).toBeVisible();
    await choose(sec, sec.getByTestId('party-des-type'), '红色车间');
    await choose(sec, sec.getByTestId('party-des-org'), branch);
    await expect(input(sec, 'party-des-workshop')).toHaveValue(workshop);
    await input(sec, 'party-des-title').fill(honour);
    await textarea(sec, 'party-des-materials').fill('党员示范岗 2 个，全年安全生产零事故，技改建议 12 条。');
    await sec.getByTestId('party-des-submit').click();
    await expect(d).toBeHidden();
    await expect(sec.getByTestId('party-des-table')).toContainText(honour);
    await sec.context().close();

    const page = await session(browser, 'party');
    await page.getByTestId('menu-partyDesignations').click();
    const row = page.getByTestId('party-des-table').locator('.el-table__body tr', { hasText: honour });
    await expect(row).toContainText('已申报');
    await row.getByRole('button', { name: '授牌' }).click();
    const award = page.getByTestId('party-des-action-dialog');
    await expect(award).toBeVisible();
    await input(page, 'party-des-ceremony').fill('“双红”创建授牌仪式');
    await input(page, 'party-des-certificate').fill(certificate);
    await page.getByTestId('party-des-action-submit').click();
    await expect(award).toBeHidden();
    await page.getByRole('tab', { name: '已授牌' }).click();
    const awarded = page.getByTestId('party-des-table').locator('.el-table__body tr', { hasText: honour });
    await expect(awarded).toContainText('已授牌');
    await expect(awarded).toContainText(certificate);
    await page.context().close();
  });

  test('(e) it is on the honour wall and on 恒安食品\'s page', async ({ page, browser }) => {
    await login(page, 'party');
    await page.getByTestId('menu-partyHonourWall').click();
    const wall = page.getByTestId('party-honour-red_workshop');
    await expect(wall).toContainText(honour);
    await expect(wall).toContainText(certificate);
    await screenshot(page, 'party-honour-wall');

    const ent = await session(browser, 'enterprise');
    await ent.getByTestId('menu-ownEnterprise').click();
    await expect(ent.getByTestId('enterprise-title')).toContainText(ENTERPRISE);
    const section = ent.getByTestId('enterprise-party');
    await expect(section.getByTestId('enterprise-party-orgs')).toContainText(branch);
    await expect(section.getByTestId('enterprise-party-designations')).toContainText(honour);
    await expect(section.getByTestId('enterprise-party-activities')).toContainText(meeting);
    await section.scrollIntoViewIfNeeded();
    await screenshot(ent, 'party-enterprise-page');
    await ent.context().close();
  });

  test('(f) the 三会一课 view now shows the branch green for last month', async ({ page }) => {
    await login(page, 'party');
    await page.getByTestId('menu-partyCompliance').click();
    await page.getByTestId('party-comp-last-month').click();
    await expect(page.getByTestId(`party-comp-row-${orgId}`)).toHaveAttribute('data-colour', 'green');
    await expect(page.getByTestId(`party-comp-${orgId}-branch_committee`)).toHaveText('1 / 1');
    await screenshot(page, 'party-compliance-green');
  });
});

/** The last day of last month (zone time). */
function lastMonthEnd(): string {
  const [y, m] = zoneDay().split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10);
}
