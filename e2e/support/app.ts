import { expect, type Locator, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ZONE = 'demo';
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'output', 'screenshots');

export function demoPassword(): string {
  const pw = process.env.DEMO_PASSWORD;
  if (!pw) throw new Error('DEMO_PASSWORD is not set (the password of every demo account)');
  return pw;
}

/**
 * Fills the login form and submits it (does not wait for the result). With `stay`, uses the
 * login page already shown (e.g. one carrying a `redirect`).
 */
export async function submitLogin(page: Page, login: string, password: string, opts: { zone?: string; stay?: boolean } = {}): Promise<void> {
  const zone = opts.zone ?? ZONE;
  if (!opts.stay) await page.goto('/login');
  await page.getByTestId('login-zone').fill(zone);
  await page.getByTestId('login-login').fill(login);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Logs in and waits for the admin layout. */
export async function login(page: Page, login: string, password = demoPassword()): Promise<void> {
  await submitLogin(page, login, password);
  await expect(page.getByTestId('user-menu')).toBeVisible();
}

/** The side menu's entries (`menu-<key>` test ids), as sorted keys. */
export async function menuKeys(page: Page, scope?: Locator): Promise<string[]> {
  const menu = scope ?? page.getByTestId('side-menu');
  await expect(menu).toBeVisible();
  const ids = await menu.locator('[data-testid^="menu-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.replace(/^menu-/, '')).sort();
}

/** Waits for Element Plus loading masks to go, then saves a full-page screenshot. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await expect(page.locator('.el-loading-mask')).toHaveCount(0);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Picks an option of an Element Plus select (options live in a teleported popper). */
export async function pickOption(page: Page, select: Locator, option: Locator): Promise<void> {
  await select.click();
  await option.click();
  await expect(option).toBeHidden();
}

/** A short suffix that keeps records of repeated runs apart. */
export function runId(): string {
  return Date.now().toString(36).slice(-6);
}
