import { expect, Page, test } from '@playwright/test';
import { DEMO_PASSWORD, expectNoHorizontalOverflow, openNav, signIn, signOut, snap } from './helpers';

// Each viewport works in its own agency and with its own accounts, so the two projects never collide on the
// shared demo database (and the per-address sign-in limit is never reached by accident).
const plan = {
  desktop: { agency: 'Sở Nội vụ', key: 'snv', ratePerson: 'chuyenvien1.stc' },
  phone: { agency: 'Sở Tư pháp', key: 'stp', ratePerson: 'chuyenvien1.syt' },
} as const;

function planFor(projectName: string) {
  return plan[projectName as keyof typeof plan];
}

async function openAdminUsers(page: Page, agency: string) {
  await openNav(page);
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-tab-users').click();
  const select = page.getByTestId('admin-agency-select');
  const value = await select.locator('option', { hasText: agency }).first().getAttribute('value');
  await select.selectOption(value!);
  await expect(page.getByTestId('user-row').first()).toBeVisible();
}

test('an administrator creates an official who must change the password and then sees the shell', async ({
  page,
}, testInfo) => {
  const p = planFor(testInfo.project.name);
  const username = `e2e.${testInfo.project.name}`;
  const fullName = testInfo.project.name === 'desktop' ? 'Nguyễn Thị Kiểm Thử' : 'Trần Văn Điện Thoại';

  await page.goto('/dang-nhap');
  await snap(page, testInfo, '01-dang-nhap');
  await signIn(page, 'admin', DEMO_PASSWORD);
  await expect(page.getByTestId('shell-user-name')).toContainText('Quản trị hệ thống tỉnh');
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '02-trang-chu-quan-tri');

  await openAdminUsers(page, p.agency);
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '03-quan-tri-tai-khoan');

  await page.getByTestId('user-add-button').click();
  await page.getByTestId('user-form-username').fill(username);
  await page.getByTestId('user-form-fullname').fill(fullName);
  await page.getByTestId('user-form-position').fill('Chuyên viên');
  await page.getByTestId('user-form-email').fill(`${username}@vinhlong.gov.vn`);
  const unit = page.getByTestId('user-form-unit');
  const unitValue = await unit.locator('option', { hasText: 'Phòng' }).first().getAttribute('value');
  await unit.selectOption(unitValue!);
  await page.getByTestId('user-form-role-official').check();
  await snap(page, testInfo, '04-them-tai-khoan');
  await page.getByTestId('user-form-submit').click();

  const tempPassword = (await page.getByTestId('temp-password').textContent())!.trim();
  expect(tempPassword).toMatch(/^[A-Za-z0-9]{12}$/);
  await snap(page, testInfo, '05-mat-khau-tam');
  await page.getByTestId('temp-password-close').click();
  await expect(page.locator(`[data-testid="user-row"][data-username="${username}"]`)).toBeVisible();

  await page.getByTestId('admin-tab-units').click();
  await expect(page.getByTestId('unit-row').first()).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '06-quan-tri-don-vi');
  await page.getByTestId('admin-tab-audit').click();
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  await expect(page.getByTestId('audit-row').first()).toContainText('Tạo tài khoản');
  await expect(page.getByTestId('audit-row').first()).toContainText(`Tài khoản ${username}`);
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '07-quan-tri-nhat-ky');
  await signOut(page);

  // The new official: the temporary password works once, and must be replaced before anything else.
  await signIn(page, username, tempPassword);
  await expect(page).toHaveURL(/\/doi-mat-khau/);
  await expect(page.getByTestId('change-new')).toBeVisible();
  await snap(page, testInfo, '08-doi-mat-khau');
  await page.getByTestId('change-current').fill(tempPassword);
  await page.getByTestId('change-new').fill('ngan');
  await page.getByTestId('change-confirm').fill('ngan');
  await page.getByTestId('change-submit').click();
  await expect(page.getByTestId('change-error').or(page.locator('.field-error')).first()).toBeVisible();
  await page.getByTestId('change-new').fill('Mật khẩu mới 2026');
  await page.getByTestId('change-confirm').fill('Mật khẩu mới 2026');
  await page.getByTestId('change-submit').click();

  await expect(page.getByTestId('shell-user-name')).toContainText(fullName);
  await expect(page.getByTestId('shell-agency-name')).toContainText(p.agency);
  await expect(page.getByTestId('shell-roles')).toContainText('Chuyên viên');
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '09-trang-chu-chuyen-vien');

  // Sections not built yet say so plainly; an official has no administration entry.
  await openNav(page);
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
  // Each section answers: the outgoing list (empty for a newcomer), the incoming page (an official's documents
  // come by assignment), and the sections still to be built.
  const sections = [
    ['nav-incoming', '10-van-ban-den', 'incoming-empty'],
    ['nav-outgoing', '11-van-ban-di', 'outgoing-empty'],
    ['nav-records', '12-ho-so', 'page-placeholder'],
    ['nav-reports', '13-bao-cao', 'page-placeholder'],
  ] as const;
  for (const [nav, name, shown] of sections) {
    await openNav(page);
    await page.getByTestId(nav).click();
    await expect(page.getByTestId(shown)).toBeVisible({ timeout: 20_000 });
    await expectNoHorizontalOverflow(page);
    await snap(page, testInfo, name);
  }
  await signOut(page);
  await signIn(page, username, 'Mật khẩu mới 2026');
  await expect(page.getByTestId('shell-user-name')).toContainText(fullName);
});

test('a locked account cannot sign in', async ({ page }, testInfo) => {
  const p = planFor(testInfo.project.name);
  const victim = `chuyenvien2.${p.key}`;
  await signIn(page, 'admin', DEMO_PASSWORD);
  await expect(page.getByTestId('shell-user-name')).toBeVisible();
  await openAdminUsers(page, p.agency);
  await page.getByTestId(`user-lock-${victim}`).click();
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId(`user-status-${victim}`)).toContainText('khóa');
  await signOut(page);

  await signIn(page, victim, DEMO_PASSWORD);
  await expect(page.getByTestId('login-error')).toContainText('bị khóa');
  await snap(page, testInfo, '14-tai-khoan-bi-khoa');
});

test('wrong passwords show the message and then the rate limit', async ({ page }, testInfo) => {
  const person = planFor(testInfo.project.name).ratePerson;
  for (let i = 0; i < 5; i++) {
    await signIn(page, person, `sai-mat-khau-${i}`);
    await expect(page.getByTestId('login-error')).toContainText('không đúng');
  }
  await snap(page, testInfo, '15-sai-mat-khau');
  await signIn(page, person, DEMO_PASSWORD);
  await expect(page.getByTestId('login-error')).toContainText('quá nhiều lần');
  await snap(page, testInfo, '16-gioi-han-dang-nhap');
});

test('the sign-in page transfers at most 350 KB compressed', async ({ page }) => {
  let transferred = 0;
  const encodings: Record<string, string> = {};
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes();
    transferred += sizes.responseBodySize + sizes.responseHeadersSize;
    const response = await request.response();
    encodings[request.url()] = (await response?.allHeaders())?.['content-encoding'] ?? '';
  });
  await page.goto('/dang-nhap');
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const wasm = Object.keys(encodings).find((u) => u.endsWith('.wasm'));
  expect(wasm, 'the app loads its WASM').toBeTruthy();
  expect(encodings[wasm!]).toBe('br');
  // The signing worker (PDF/crypto core, renderer) is loaded by the signing pages only.
  expect(Object.keys(encodings).filter((u) => u.includes('vanban_worker') || u.includes('work_ui'))).toEqual([]);
  // Nor the work pages' styles, which come with the work bundle.
  expect(Object.keys(encodings).filter((u) => /\/(signing|work|document|dashboard|incoming)(-[0-9a-f]+)?\.css/.test(u))).toEqual([]);
  console.log(`sign-in page: ${transferred} bytes transferred`);
  expect(transferred).toBeLessThanOrEqual(350 * 1024);
});
