import { expect, test } from '@playwright/test';
import { expectNoHorizontalOverflow, snap } from './helpers';
import { draftThroughApi, person } from './journey';

// The day starts at home: what waits for the person, with counts, most pressing first; the bell keeps what
// happened while they were away. At desktop and at 360 px (the tablet width is in layout.spec.ts).

async function count(page: import('@playwright/test').Page, testid: string): Promise<number> {
  const el = page.getByTestId(testid);
  return (await el.count()) === 0 ? 0 : Number((await el.textContent())!.trim().replace('+', ''));
}

test('a leader sees what waits with counts, and the bell brings the new document', async ({ browser }, testInfo) => {
  const phone = testInfo.project.name === 'phone';
  const leader = await person(browser, 'lanhdao.snv', phone);
  await leader.page.goto('/');
  await expect(leader.page.getByTestId('home-item-to-sign')).toBeVisible({ timeout: 20_000 });
  const waiting = await count(leader.page, 'home-count-to-sign');
  const unread = await count(leader.page, 'notifications-unread');

  // An official submits a draft for the leader's signature (through the API, as the outgoing journey does).
  const official = await person(browser, 'chuyenvien1.snv');
  const subject = `Quyết định thử trang chủ (${testInfo.project.name})`;
  const id = await draftThroughApi(official.page, subject);

  // The count and the bell follow live, without reloading.
  await expect(leader.page.getByTestId('home-count-to-sign')).toHaveText(String(waiting + 1), { timeout: 20_000 });
  await expect(leader.page.getByTestId('notifications-unread')).toHaveText(String(unread + 1), { timeout: 20_000 });
  // "Chờ ký 3": the count sits beside its name; what has something waiting comes before what has nothing.
  await expect(leader.page.getByTestId('home-item-to-sign')).toContainText(`Chờ ký${waiting + 1}`);
  const zeroes = await leader.page.locator('.home-work-item').evaluateAll((items) =>
    items.map((i) => i.classList.contains('is-zero')),
  );
  expect(zeroes.indexOf(true) === -1 || zeroes.slice(zeroes.indexOf(true)).every((z) => z)).toBe(true);
  if (phone) {
    // The menu button carries the total of what waits.
    expect(await count(leader.page, 'nav-menu-count')).toBeGreaterThanOrEqual(waiting + 1);
  }
  await expectNoHorizontalOverflow(leader.page);
  await snap(leader.page, testInfo, 'home-lanh-dao');

  // The bell: the notification says what happened and opens the document; once opened it is read.
  await leader.page.getByTestId('notifications-bell').click();
  const first = leader.page.getByTestId('notification').first();
  await expect(first).toContainText(`Văn bản mới chờ ký: ${subject}`, { timeout: 20_000 });
  await expect(first).toHaveAttribute('data-read', 'false');
  await expectNoHorizontalOverflow(leader.page);
  await snap(leader.page, testInfo, 'thong-bao');
  await first.getByTestId('notification-link').click();
  await expect(leader.page).toHaveURL(new RegExp(`/van-ban-di/${id}$`));
  await expect(leader.page.getByTestId('notifications-unread')).toHaveCount(unread === 0 ? 0 : 1, { timeout: 20_000 });
  await leader.page.goto('/thong-bao');
  await expect(leader.page.getByTestId('notification').first()).toHaveAttribute('data-read', 'true');

  // The home link "Chờ ký" opens the bucket with the document in it.
  await leader.page.goto('/');
  await leader.page.getByTestId('home-item-to-sign').click();
  await expect(leader.page.locator(`[data-testid=outgoing-row][data-id="${id}"]`)).toBeVisible({ timeout: 20_000 });
  await official.context.close();
  await leader.context.close();
});

test('keyboard users skip the navigation with the first tab stop', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'a keyboard check');
  const clerk = await person(browser, 'vanthu.snv');
  await clerk.page.goto('/');
  await expect(clerk.page.getByTestId('home-item-to-register')).toBeVisible({ timeout: 20_000 });
  await expect(clerk.page.getByTestId('home-item-to-issue')).toBeVisible();
  await clerk.page.keyboard.press('Tab');
  await expect(clerk.page.getByTestId('skip-link')).toBeFocused();
  await expect(clerk.page.getByTestId('skip-link')).toBeVisible();
  await clerk.page.keyboard.press('Enter');
  await expect(clerk.page.locator('main#content')).toBeFocused();
  await clerk.context.close();
});
