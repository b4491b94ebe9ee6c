import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { login, runId, screenshot } from '../support/app';

/**
 * Issue 6 — key work supervision (督查督办):
 * (a) the zone leader adds a key task for 经济发展局 through the form: started 60 days ago, due in
 *     300 days, so about 17% should be done by now (序时进度);
 * (b) `staff` (经济发展局) report 2% → the item turns 黄灯, "落后序时进度…个百分点";
 * (c) the leader opens this week's 周六督查简报, finds the item among the yellow ones and downloads
 *     the Word file (a real .docx naming the item);
 * (d) the leader records the Saturday meeting with a decision for 经济发展局 → a follow-up; next
 *     week's brief (the preview) opens with it.
 */

const DEPARTMENT = '经济发展局';

function zoneDay(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
/** The Saturday of the week (Monday–Sunday) holding `day`. */
function saturdayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() + 5 - sinceMonday);
  return d.toISOString().slice(0, 10);
}

function input(scope: Page | Locator, id: string): Locator {
  return scope.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
}
function textarea(scope: Page | Locator, id: string): Locator {
  return scope.locator(`textarea[data-testid="${id}"], [data-testid="${id}"] textarea`).first();
}
/** Types a date into an Element Plus date picker (found by its form label) and commits it. */
async function setDate(page: Page, label: RegExp, day: string): Promise<void> {
  const el = page.getByRole('combobox', { name: label });
  await el.click();
  await el.fill(day);
  await el.press('Enter');
  await page.keyboard.press('Escape');
  await expect(el).toHaveValue(day);
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

/** The text of `word/document.xml` in a .docx (a zip), read with node's zlib. */
function docxXml(bytes: Buffer): string {
  let at = 0;
  while ((at = bytes.indexOf('PK\x03\x04', at, 'latin1')) >= 0) {
    const method = bytes.readUInt16LE(at + 8);
    let size = bytes.readUInt32LE(at + 18);
    const nameLen = bytes.readUInt16LE(at + 26);
    const extraLen = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 30, at + 30 + nameLen).toString('utf8');
    const start = at + 30 + nameLen + extraLen;
    if (name === 'word/document.xml') {
      if (size === 0) {
        // Sizes in a data descriptor: take the entry up to the next header.
        const next = bytes.indexOf('PK', start + 1, 'latin1');
        size = (next > 0 ? next : bytes.length) - start;
      }
      const data = bytes.subarray(start, start + size);
      return method === 8 ? zlib.inflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8') : data.toString('utf8');
    }
    at = start;
  }
  throw new Error('word/document.xml not found in the .docx');
}

test.describe.serial('supervision: a key task falls behind, the brief and the meeting follow it up', () => {
  const run = runId();
  const title = `重点工作-招商引资签约-${run}`;
  const decision = `协调${title}用地指标-${run}`;
  let itemId = '';

  test('(a) the leader adds a key task for 经济发展局, started 60 days ago', async ({ page }) => {
    await login(page, 'leader');
    await expect(page.getByTestId('group-supervision')).toBeVisible();
    await page.getByTestId('menu-svNew').click();
    await expect(page.getByTestId('page-sv-new')).toBeVisible();
    await input(page, 'sv-new-title').fill(title);
    await input(page, 'sv-new-category').fill('招商引资');
    await choose(page, page.getByTestId('sv-new-department'), DEPARTMENT);
    await setDate(page, /^\*?开始日期$/, zoneDay(-60));
    await setDate(page, /^\*?完成时限$/, zoneDay(300));
    await textarea(page, 'sv-new-description').fill('全年签约亿元以上项目 10 个');
    await page.getByTestId('sv-new-save').click();
    await expect(page).toHaveURL(/\/supervision\/items\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('sv-item-title')).toHaveText(title);
    await expect(page.getByTestId('sv-item-department')).toHaveText(DEPARTMENT);
    itemId = page.url().split('/').pop()!;
    // Listed under 重点工作.
    await page.getByTestId('menu-svItems').click();
    await input(page, 'sv-q').fill(run);
    await page.getByTestId('sv-search').click();
    await expect(page.locator('[data-testid="sv-table"] .el-table__body tr')).toHaveCount(1);
  });

  test('(b) 经济发展局 reports 2% and the item turns yellow, behind planned progress', async ({ browser }) => {
    expect(itemId).not.toBe('');
    const page = await session(browser, 'staff');
    await page.getByTestId('menu-svItems').click();
    await expect(page.getByTestId('page-sv-items')).toBeVisible();
    await page.goto(`/supervision/items/${itemId}`);
    await expect(page.getByTestId('sv-item-title')).toHaveText(title);
    await page.getByTestId('sv-report').click();
    const dialog = page.getByTestId('sv-report-dialog');
    await expect(dialog).toBeVisible();
    await textarea(page, 'sv-report-text').fill('已对接意向企业 3 家，正在洽谈。');
    const pct = input(page, 'sv-report-progress');
    await pct.fill('2');
    await pct.press('Tab');
    await page.getByTestId('sv-report-submit').click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('sv-item-light')).toHaveAttribute('data-colour', 'yellow');
    await expect(page.getByTestId('sv-item-light')).toContainText('黄灯');
    await expect(page.getByTestId('sv-item-reasons')).toContainText(/落后序时进度\d+个百分点/);
    await expect(page.getByTestId('sv-item-reports')).toContainText('已对接意向企业 3 家');
    await screenshot(page, 'supervision-item-yellow');
    await page.context().close();
  });

  test('(c) the leader finds it yellow in this week\'s brief and downloads the Word file', async ({ page }) => {
    await login(page, 'leader');
    await page.getByTestId('menu-svBrief').click();
    await expect(page.getByTestId('page-sv-brief')).toBeVisible();
    await expect(page.getByTestId('sv-brief-title')).toContainText(saturdayOf(zoneDay()));
    const yellow = page.getByTestId('sv-brief-yellow');
    await expect(yellow).toContainText(title);
    await expect(yellow).toContainText('落后序时进度');
    await expect(page.getByTestId('sv-brief-red')).not.toContainText(title);
    await screenshot(page, 'supervision-brief');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sv-brief-docx').click()]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const path = await download.path();
    const bytes = fs.readFileSync(path);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const xml = docxXml(bytes);
    expect(xml).toContain('黄灯');
    expect(xml).toContain(title);
  });

  test('(d) a meeting decision for 经济发展局 becomes a follow-up; next week\'s brief opens with it', async ({ page }) => {
    await login(page, 'leader');
    await page.getByTestId('menu-svMeetings').click();
    await expect(page.getByTestId('page-sv-meetings')).toBeVisible();
    await page.getByTestId('sv-meeting-new').click();
    const dialog = page.getByTestId('sv-meeting-dialog');
    await expect(dialog).toBeVisible();
    await input(page, 'sv-meeting-attendees').fill('园区主任、经济发展局、自然资源分局');
    await textarea(page, 'sv-meeting-notes').fill(`听取重点工作推进情况，${title}落后序时进度，须加快。`);
    await input(page, 'sv-decision-0-title').fill(decision);
    await choose(page, page.getByTestId('sv-decision-0-department'), DEPARTMENT);
    await page.getByTestId('sv-meeting-save').click();
    await expect(dialog).toBeHidden();
    const detail = page.getByTestId('sv-meeting-decisions');
    await expect(detail).toContainText(decision);
    await expect(detail).toContainText(DEPARTMENT);
    await page.keyboard.press('Escape');

    // The follow-up is open in 协调督办.
    await page.getByTestId('menu-svFollowUps').click();
    await expect(page.getByTestId('sv-fu-table')).toContainText(decision);

    // Next week's brief (a preview) opens with it.
    await page.getByTestId('menu-svBrief').click();
    await page.getByTestId('sv-brief-next-week').click();
    const next = saturdayOf(zoneDay(7));
    await expect(page).toHaveURL(new RegExp(`week=${next}`));
    await expect(page.getByTestId('sv-brief-preview')).toBeVisible();
    const sections = page.locator('[data-testid="page-sv-brief"] section');
    await expect(sections.first()).toHaveAttribute('data-testid', 'sv-brief-follow-ups');
    await expect(sections.first()).toContainText(decision);
    await expect(sections.first()).toContainText(DEPARTMENT);
    await screenshot(page, 'supervision-brief-next-week');
  });
});
