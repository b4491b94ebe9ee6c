import { expect, test, type Page } from '@playwright/test';
import * as crypto from 'node:crypto';
import { demoPassword, login, runId, submitLogin, ZONE } from '../support/app';

/** RFC 4648 base32 → bytes. */
function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP (SHA-1, 6 digits) of a 30-second time step, computed independently of the server. */
function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const o = h.readUInt8(h.length - 1) & 0x0f;
  const n = (h.readUInt32BE(o) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 30_000);

/** Waits until the clock is in a time step after `used` (a code is accepted only once). */
async function nextStepAfter(page: Page, used: number): Promise<number> {
  while (stepNow() <= used) await page.waitForTimeout(500);
  return stepNow();
}

test('a staff member turns on the authenticator, signs out, and signs in with a code; a wrong code is refused', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  // A fresh account, so the shared demo accounts keep signing in with a password alone.
  const id = runId();
  const user = `mfa${id}`;
  const password = `Green-Field-${id}-2026!`;
  const admin = await request.post('/api/v1/auth/login', { data: { zone: ZONE, login: 'admin', password: demoPassword() } });
  expect(admin.status()).toBe(200);
  const csrf = (await admin.json()).csrf_token as string;
  const created = await request.post('/api/v1/users', {
    headers: { 'X-CSRF-Token': csrf, 'Idempotency-Key': `e2e-${user}` },
    data: { login: user, display_name: '二次验证测试', role: 'zone_leader', password },
  });
  expect(created.status(), await created.text()).toBe(201);

  // Enrol on the profile page (header menu → 个人设置).
  await login(page, user, password);
  await page.getByTestId('user-menu').click();
  await page.getByTestId('user-menu-profile').click();
  await expect(page.getByTestId('totp-status')).toContainText('未开启');
  await page.getByTestId('totp-enrol').click();
  await expect(page.getByTestId('totp-qr')).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const confirmStep = stepNow();
  await page.getByTestId('totp-code').fill(totp(secret, confirmStep));
  await page.getByTestId('totp-confirm').click();
  await expect(page.getByTestId('totp-status')).toContainText('已开启');

  // Sign out; the password alone no longer signs in.
  await page.getByTestId('user-menu').click();
  await page.getByTestId('user-menu-logout').click();
  await expect(page).toHaveURL(/\/login/);
  await submitLogin(page, user, password);
  await expect(page.getByTestId('login-code-form')).toBeVisible();

  // A wrong code is refused (one that is none of the codes accepted around now).
  const near = [-1, 0, 1].map((d) => totp(secret, stepNow() + d));
  const wrong = ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c)) ?? '444444';
  await page.getByTestId('login-code').fill(wrong);
  await page.getByTestId('login-code-submit').click();
  await expect(page.getByTestId('login-error')).toContainText('验证码错误或已使用过');
  await expect(page.getByTestId('user-menu')).toBeHidden();

  // The right code of a new time step signs in.
  const step = await nextStepAfter(page, confirmStep);
  await page.getByTestId('login-code').fill(totp(secret, step));
  await page.getByTestId('login-code-submit').click();
  await expect(page.getByTestId('user-menu')).toBeVisible();
  await expect(page).not.toHaveURL(/\/login/);
});
