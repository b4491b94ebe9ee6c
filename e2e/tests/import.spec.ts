import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import { login, runId, screenshot } from '../support/app';

/** The zone's system administrator fills in users from a spreadsheet and exports the list (IV-03, PD-04). */
test.describe('users by spreadsheet', () => {
  test('template, a file with errors (nothing written), the corrected file, then the export', async ({ page }) => {
    const id = runId();
    const a = `imp-a-${id}`;
    const b = `imp-b-${id}`;
    await login(page, 'admin');
    await page.goto('/users');
    await page.getByTestId('users-import').click();
    const dialog = page.getByTestId('sheet-import');
    await expect(dialog).toBeVisible();

    // The template: an .xlsx (a zip) named for the users list.
    const [tpl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sheet-template').click()]);
    expect(tpl.suggestedFilename()).toBe('users-template.xlsx');
    const tplBytes = fs.readFileSync(await tpl.path());
    expect(tplBytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(tplBytes.length).toBeGreaterThan(4000);

    // A file with two bad rows: an administrator role and a bad phone. Nothing is written.
    const header = '登录名,姓名,角色,部门,企业统一社会信用代码,手机号';
    const bad = [header, `${a},导入甲,职工,,,13912345678`, `${b},导入乙,系统管理员,,,`, `imp-c-${id},导入丙,职工,,,12345`].join('\n');
    await page.getByTestId('sheet-file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByTestId('sheet-upload').click();
    await expect(page.getByTestId('sheet-failure')).toContainText('有单元格填写错误');
    const errors = page.getByTestId('sheet-errors');
    await expect(errors).toContainText('C（角色）');
    await expect(errors).toContainText('不能通过导入授予管理员角色');
    await expect(errors.locator('.el-table__row').first()).toContainText('3');
    await expect(errors).toContainText('F（手机号）');
    await screenshot(page, 'users-import-errors');
    // The annotated report can be downloaded.
    const [rep] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sheet-report').click()]);
    expect(rep.suggestedFilename()).toBe('users-errors.xlsx');
    await page.getByTestId('sheet-close').click();
    await page.getByTestId('users-search').fill(a);
    await page.getByTestId('users-search-btn').click();
    await expect(page.getByTestId(`user-row-${a}`)).toHaveCount(0);

    // The corrected file: both users appear.
    const good = [header, `${a},导入甲,职工,,,13912345678`, `${b},导入乙,worker,,,`].join('\n');
    await page.getByTestId('users-import').click();
    await page.getByTestId('sheet-file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByTestId('sheet-upload').click();
    await expect(page.getByTestId('sheet-summary')).toContainText('新增 2 个');
    await page.getByTestId('sheet-close').click();
    await page.getByTestId('users-search').fill(`imp-`);
    await page.getByTestId('users-search-btn').click();
    await expect(page.getByTestId(`user-row-${a}`)).toBeVisible();
    await expect(page.getByTestId(`user-row-${b}`)).toBeVisible();

    // Export with the current search: a CSV holding exactly these rows, phones masked.
    await page.getByTestId('users-search').fill(id);
    await page.getByTestId('users-search-btn').click();
    await page.getByTestId('users-export-btn').hover();
    const [exp] = await Promise.all([page.waitForEvent('download'), page.getByTestId('users-export-csv').click()]);
    expect(exp.suggestedFilename()).toBe('users.csv');
    const lines = fs.readFileSync(await exp.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('登录名,姓名,角色,部门,企业,手机号,身份证号,状态,创建时间');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([a, b]);
    expect(lines.join('\n')).toContain('139****5678');
    expect(lines.join('\n')).not.toContain('13912345678');
  });
});
