import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectNoHorizontalOverflow, openNav, signIn, snap } from './helpers';

// Tablet width (768 px): every page of the foundation fits without sideways scrolling. Desktop and phone
// widths are covered by the journeys in foundation.spec.ts.
test('every page fits a tablet', async ({ page }, testInfo) => {
  await page.goto('/dang-nhap');
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '01-dang-nhap');
  await signIn(page, 'quantri.sgddt', DEMO_PASSWORD);
  await expect(page.getByTestId('shell-user-name')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '02-trang-chu');
  for (const [nav, name, shown] of [
    ['nav-incoming', '03-van-ban-den', 'incoming-empty'],
    ['nav-outgoing', '04-van-ban-di', 'outgoing-empty'],
  ] as const) {
    await openNav(page);
    await page.getByTestId(nav).click();
    await expect(page.getByTestId(shown)).toBeVisible({ timeout: 20_000 });
    // The list's filters sit inline at this width (the "Bộ lọc" sheet is for phones), every field the touch size.
    await expect(page.getByTestId('filter-bar')).toBeVisible();
    await expect(page.getByTestId('filter-toggle')).toBeHidden();
    const heights = await page.getByTestId('filter-bar').locator('select, input, button').evaluateAll((els) =>
      els.filter((el) => (el as HTMLElement).offsetParent !== null).map((el) => el.getBoundingClientRect().height),
    );
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
    await expectNoHorizontalOverflow(page);
    await snap(page, testInfo, name);
  }
  await openNav(page);
  await page.getByTestId('nav-signing').click();
  await expect(page.getByTestId('verify-dropzone')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '07-ky-so');
  await page.getByTestId('tab-keys').click();
  await expect(page.getByTestId('device-warning')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '07-ky-so-khoa');
  await openNav(page);
  await page.getByTestId('nav-admin').click();
  for (const [tab, row, name] of [
    ['admin-tab-users', 'user-row', '07-tai-khoan'],
    ['admin-tab-units', 'unit-row', '08-don-vi'],
    ['admin-tab-audit', 'audit-row', '09-nhat-ky'],
  ] as const) {
    await page.getByTestId(tab).click();
    await expect(page.getByTestId(row).first()).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await snap(page, testInfo, name);
  }
  // An agency administrator sees only their own agency's accounts.
  await page.getByTestId('admin-tab-users').click();
  const usernames = await page.getByTestId('user-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-username')));
  expect(usernames.length).toBe(6);
  expect(usernames.every((u) => u!.endsWith('.sgddt'))).toBe(true);
});

test("a leader's home, the bell and the notification list fit a tablet", async ({ page }, testInfo) => {
  await signIn(page, 'lanhdao.sgddt', DEMO_PASSWORD);
  await expect(page.getByTestId('home-item-to-sign')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('home-item-to-assign')).toBeVisible();
  await expect(page.getByTestId('notifications-bell')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '10-trang-chu-lanh-dao');
  await page.getByTestId('notifications-bell').click();
  await expect(page.getByTestId('notifications-page')).toBeVisible({ timeout: 20_000 });
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '11-thong-bao');
});
