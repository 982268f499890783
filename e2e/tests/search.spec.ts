import { expect, Page, test } from '@playwright/test';
import { DEMO_PASSWORD, expectNoHorizontalOverflow, signIn, snap } from './helpers';
import { draftThroughApi, issuedBySnv, person } from './journey';

// Search (issue 15): the box in the header on every page, at every width, opens /tim-kiem?q=…; "quyet dinh"
// typed without marks finds the issued "Quyết định …" with the match marked and a link to the document, the
// filters narrow it, and a person of an agency that neither issued nor received it finds nothing.

/** Types `text` in the navigation's search box (behind the magnifier on a phone) and submits it. */
async function searchFor(page: Page, text: string) {
  const toggle = page.getByTestId('nav-search-toggle');
  const input = page.getByTestId('nav-search-input');
  // On a phone the box opens behind the magnifier; a page still settling after sign-in may redraw the header,
  // so open it until it shows (a person would tap again).
  await expect(async () => {
    if (!(await input.isVisible()) && (await toggle.isVisible())) {
      await toggle.click();
    }
    await expect(input).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await input.fill(text);
  await input.press('Enter');
  await expect(page).toHaveURL(/\/tim-kiem\?q=/);
}

test('quyet dinh without marks finds the issued Quyết định, marked and linked; another agency finds nothing', async ({ browser, page }, testInfo) => {
  test.setTimeout(300_000);
  const phone = testInfo.project.name === 'phone';
  const tag = phone ? 'điện thoại' : 'máy tính';
  const subject = `Quyết định về việc thử nghiệm tìm kiếm trên ${tag}`;
  let id: number;
  if (phone) {
    // On the phone the drafter's own draft (the desktop run proves the issued document).
    const official = await person(browser, 'chuyenvien1.snv', true);
    id = await draftThroughApi(official.page, subject);
    await official.context.close();
    await signIn(page, 'chuyenvien1.snv', DEMO_PASSWORD);
  } else {
    const issued = await issuedBySnv(browser, subject, ['000.00.00.H62']);
    id = issued.id;
    for (const c of issued.contexts) await c.close();
    await signIn(page, 'vanthu.snv', DEMO_PASSWORD);
  }
  await expect(page.getByTestId('shell-user-name')).toBeVisible({ timeout: 30_000 });
  // The box is there on the home page, at this width.
  if (phone) {
    await expect(page.getByTestId('nav-search-toggle')).toBeVisible();
    await expect(page.getByTestId('nav-search-input')).toBeHidden();
  } else {
    await expect(page.getByTestId('nav-search-input')).toBeVisible();
  }
  await snap(page, testInfo, 'search-box');

  const plain = `quyet dinh ve viec thu nghiem tim kiem tren ${phone ? 'dien thoai' : 'may tinh'}`;
  await searchFor(page, plain);
  const hit = page.getByTestId('search-hit').filter({ has: page.locator(`a[href="/van-ban-di/${id}"]`) });
  await expect(hit).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('search-count')).toHaveText('1 văn bản');
  await expect(hit.getByTestId('search-mark').first()).toHaveText(subject);
  await expect(page.getByTestId('nav-search-input')).toHaveValue(plain);
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, 'search-results');
  if (!phone) {
    await page.setViewportSize({ width: 768, height: 1024 });
    await expect(page.getByTestId('nav-search-input')).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: 'artifacts/screenshots/tablet-search-results.png', fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  // "quyet dinh" alone finds it too, among whatever else the person may open.
  await searchFor(page, 'QUYET DINH');
  await expect(page.getByTestId('search-hit').filter({ has: page.locator(`a[href="/van-ban-di/${id}"]`) })).toHaveCount(1, { timeout: 30_000 });

  // The filters: only incoming documents leaves nothing of ours; "Văn bản đi" brings it back.
  await searchFor(page, plain);
  const toggleFilters = page.getByTestId('filter-toggle');
  if (await toggleFilters.isVisible()) await toggleFilters.click();
  await page.getByTestId('filter-direction').selectOption('incoming');
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(/direction=incoming/);
  await expect(page.getByTestId('search-empty')).toContainText('Không tìm thấy văn bản nào', { timeout: 30_000 });
  await snap(page, testInfo, 'search-empty');

  // The result opens the document.
  await searchFor(page, plain);
  await page.getByTestId('search-link').first().click();
  await expect(page).toHaveURL(new RegExp(`/van-ban-di/${id}$`));
  await expect(page.getByTestId('document-page')).toBeVisible({ timeout: 30_000 });

  // A person of an agency that neither issued nor received it finds nothing, not even a count.
  const stranger = await person(browser, 'chuyenvien1.stp', phone);
  await stranger.page.goto('/');
  await searchFor(stranger.page, plain);
  await expect(stranger.page.getByTestId('search-empty')).toBeVisible({ timeout: 30_000 });
  await expect(stranger.page.getByTestId('search-hit')).toHaveCount(0);
  const api = await (await stranger.page.request.get(`/api/search?q=${encodeURIComponent(plain)}`)).json();
  expect(api.total).toBe(0);
  await stranger.context.close();
});
