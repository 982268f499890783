import { expect, Page, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PASSWORD, expectNoHorizontalOverflow, signIn, snap } from './helpers';
import { CORPUS } from './journey';

// Lists people can work in (issue 14): a drafter filters their drafts by type, sorts them, pages through them,
// reloads and goes back, and finds the same filtered list again from the address — at desktop and phone width
// (where the filter bar folds into a sheet behind "Bộ lọc").

/** Five drafts of the signed-in official, made through the API in this order: three công văn (thường, khẩn,
 * hỏa tốc) and two kế hoạch. Answers their subjects. */
async function fiveDrafts(page: Page, tag: string): Promise<string[]> {
  const me = await (await page.request.get('/api/me')).json();
  const headers = { 'x-csrf-token': me.csrf_token };
  const pdf = readFileSync(join(CORPUS, 'lo-quyet-dinh-17p.pdf'));
  const sha = createHash('sha256').update(pdf).digest('hex');
  expect((await page.request.put(`/api/blobs/${sha}`, { data: pdf, headers: { ...headers, 'content-type': 'application/pdf' } })).status()).toBe(200);
  const people = (await (await page.request.get('/api/colleagues')).json()).users as { id: number; username: string }[];
  const agencyKey = me.user.username.split('.')[1];
  const leader = people.find((u) => u.username === `lanhdao.${agencyKey}`)!;
  const register = (await (await page.request.get('/api/registers')).json()).find((r: { direction: string }) => r.direction === 'outgoing');
  const drafts: [string, string][] = [
    ['cong_van', 'normal'],
    ['cong_van', 'urgent'],
    ['cong_van', 'immediate'],
    ['ke_hoach', 'normal'],
    ['ke_hoach', 'urgent'],
  ];
  const subjects: string[] = [];
  for (const [i, [docType, urgency]] of drafts.entries()) {
    const subject = `Danh sách ${tag} số ${i + 1}`;
    const created = await page.request.post('/api/outgoing', {
      headers,
      data: {
        doc_type: docType, subject, urgency, signer_id: leader.id, signing_capacity: 'direct',
        register_id: register.id, internal_recipients: [], reviewers: [], paper_recipients: ['Các phòng chuyên môn'],
        main_file: { sha256: sha, name: 'du-thao.pdf' },
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    subjects.push(subject);
  }
  return subjects;
}

const rows = (page: Page) => page.getByTestId('outgoing-row').locator('.doc-subject');

test('a drafter filters, sorts and pages their drafts, and the address keeps the list through reload and back', async ({ page }, testInfo) => {
  const phone = testInfo.project.name === 'phone';
  // One official per width, of agencies no other journey drafts in, so the counts are theirs alone.
  const username = phone ? 'chuyenvien1.syt' : 'chuyenvien1.stp';
  await signIn(page, username, DEMO_PASSWORD);
  await expect(page.getByTestId('shell-user-name')).toBeVisible();
  const s = await fiveDrafts(page, testInfo.project.name);

  // Two lines a page: five drafts make three pages.
  await page.goto('/van-ban-di?muc=drafts&per_page=2');
  await expect(page.getByTestId('list-count')).toHaveText('5 văn bản', { timeout: 30_000 });
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 1/3');
  await expect(page.getByTestId('pager-prev')).toHaveAttribute('aria-disabled', 'true');
  await expectNoHorizontalOverflow(page);

  // The filters: inline on a desktop, a sheet behind "Bộ lọc" on a phone.
  if (phone) {
    await expect(page.getByTestId('filter-bar')).toBeHidden();
    await page.getByTestId('filter-toggle').click();
  } else {
    await expect(page.getByTestId('filter-toggle')).toBeHidden();
  }
  await expect(page.getByTestId('filter-bar')).toBeVisible();
  await page.getByTestId('filter-type').selectOption('cong_van');
  await page.getByTestId('filter-sort').selectOption('date:asc');
  await snap(page, testInfo, 'lists-01-bo-loc');
  await expectNoHorizontalOverflow(page);
  await page.getByTestId('filter-apply').click();

  // The address says what the list shows: three công văn, oldest first, two a page.
  await expect(page).toHaveURL(/muc=drafts/);
  await expect(page).toHaveURL(/type=cong_van/);
  await expect(page).toHaveURL(/sort=date&order=asc/);
  await expect(page).toHaveURL(/per_page=2/);
  await expect(page.getByTestId('list-count')).toHaveText('3 văn bản khớp bộ lọc');
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 1/2');
  await expect(rows(page)).toHaveText([s[0], s[1]]);
  if (phone) {
    await expect(page.getByTestId('filter-toggle')).toHaveText('Bộ lọc (1)');
    await expect(page.getByTestId('filter-bar')).toBeHidden();
  }
  await snap(page, testInfo, 'lists-02-da-loc');

  // The next page, then a reload: the same page of the same filtered list.
  await page.getByTestId('pager-next').click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 2/2');
  await expect(rows(page)).toHaveText([s[2]]);
  await expect(page.getByTestId('pager-next')).toHaveAttribute('aria-disabled', 'true');
  await page.reload();
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 2/2', { timeout: 30_000 });
  await expect(rows(page)).toHaveText([s[2]]);
  await expect(page.getByTestId('filter-type')).toHaveValue('cong_van');
  const address = page.url();

  // Back: the first page again.
  await page.goBack();
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 1/2', { timeout: 30_000 });
  await expect(rows(page)).toHaveText([s[0], s[1]]);

  // The sort: a desktop's column heading reverses it (at least the touch size); a phone's sheet does.
  if (phone) {
    await page.getByTestId('filter-toggle').click();
    await page.getByTestId('filter-sort').selectOption('date:desc');
    await page.getByTestId('filter-apply').click();
  } else {
    const heading = page.getByTestId('sort-date');
    const box = (await heading.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    await heading.click();
  }
  await expect(page).toHaveURL(/sort=date&order=desc/);
  await expect(rows(page)).toHaveText([s[2], s[1]]);
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 1/2');

  // The urgency narrows further; clearing brings back all five.
  if (phone) {
    await page.getByTestId('filter-toggle').click();
  }
  await page.getByTestId('filter-urgency').selectOption('immediate');
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(/urgency=immediate/);
  await expect(page.getByTestId('list-count')).toHaveText('1 văn bản khớp bộ lọc');
  await expect(rows(page)).toHaveText([s[2]]);
  if (phone) {
    await expect(page.getByTestId('filter-toggle')).toHaveText('Bộ lọc (2)');
    await page.getByTestId('filter-toggle').click();
  }
  await page.getByTestId('filter-clear').click();
  await expect(page.getByTestId('list-count')).toHaveText('5 văn bản');
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 1/3');

  // The address shared: opened afresh, it shows the same page of the same list.
  await page.goto(address);
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 2/2', { timeout: 30_000 });
  await expect(rows(page)).toHaveText([s[2]]);
  await expect(page.getByTestId('list-count')).toHaveText('3 văn bản khớp bộ lọc');
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, 'lists-03-tu-dia-chi');

  // A bad address says so and shows the list unfiltered.
  await page.goto('/van-ban-di?muc=drafts&from=2026-02-30');
  await expect(page.getByTestId('address-error')).toContainText('from');
  await expect(page.getByTestId('list-count')).toHaveText('5 văn bản');
});

test("a leader's drill-down into an official's work keeps its filters in the address", async ({ page }, testInfo) => {
  const phone = testInfo.project.name === 'phone';
  const key = phone ? 'syt' : 'stp';
  await signIn(page, `lanhdao.${key}`, DEMO_PASSWORD);
  await expect(page.getByTestId('shell-user-name')).toBeVisible();
  const people = (await (await page.request.get('/api/colleagues')).json()).users as { id: number; username: string }[];
  const official = people.find((u) => u.username === `chuyenvien1.${key}`)!;
  await page.goto(`/bang-theo-doi?user=${official.id}`);
  await expect(page.getByTestId('drill-total')).toHaveText('0 văn bản', { timeout: 30_000 });
  if (phone) {
    await page.getByTestId('filter-toggle').click();
  }
  await page.getByTestId('filter-type').selectOption('cong_van');
  await page.getByTestId('filter-agency').fill('Sở Tài chính');
  await page.getByTestId('filter-sort').selectOption('deadline:asc');
  await page.getByTestId('filter-apply').click();
  await expect(page).toHaveURL(new RegExp(`user=${official.id}&type=cong_van&agency=S%E1%BB%9F\\+T%C3%A0i\\+ch%C3%ADnh&sort=deadline&order=asc`));
  await expect(page.getByTestId('drill-total')).toHaveText('0 văn bản khớp bộ lọc');
  await page.reload();
  await expect(page.getByTestId('drill-total')).toHaveText('0 văn bản khớp bộ lọc', { timeout: 30_000 });
  await expect(page.getByTestId('filter-agency')).toHaveValue('Sở Tài chính');
  await expect(page.getByTestId('pager-place')).toHaveText('Trang 1/1');
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, 'lists-04-bang-theo-doi');
});
