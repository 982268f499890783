import { expect, Page, TestInfo } from '@playwright/test';
import { DEMO_PASSWORD } from '../playwright.config';

export { DEMO_PASSWORD };

/** Saves a full-page screenshot as a test artifact: artifacts/screenshots/<project>-<name>.png. */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  await page.waitForLoadState('networkidle');
  const path = `artifacts/screenshots/${testInfo.project.name}-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export async function signIn(page: Page, username: string, password: string) {
  await page.goto('/dang-nhap');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Opens the navigation drawer on phones (it is always visible on wider screens). */
export async function openNav(page: Page) {
  const toggle = page.getByTestId('nav-menu-button');
  if (await toggle.isVisible()) {
    await toggle.click();
  }
}

export async function signOut(page: Page) {
  const button = page.getByTestId('logout-button');
  if (!(await button.isVisible())) {
    await openNav(page);
  }
  await button.click();
  await expect(page.getByTestId('login-username')).toBeVisible();
}

/** Nothing may be wider than its room: the page does not scroll sideways and no table is cut off inside its
 * scroll box (buttons half hidden at the right edge). */
export async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page scrolls sideways').toBeLessThanOrEqual(0);
  const clipped = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.table-wrap'))
      .map((el) => el.scrollWidth - el.clientWidth)
      .filter((d) => d > 1),
  );
  expect(clipped, 'a table is wider than its box').toEqual([]);
}
