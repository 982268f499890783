import { test, expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PASSWORD, signIn, snap } from './helpers';
import { CORPUS, PHONE, draftThroughApi, openDocument, person } from './journey';

// One tap to act on a phone (issue 14): on a document page at 360 px the next action is on the screen without
// scrolling (a sticky action bar at the bottom), before the PDF and the facts; at 768 px and on a desktop the page
// keeps its two columns. And the return cycle: a reviewer returns a draft, the page says it is with the drafter
// and the step was returned, the drafter corrects the trích yếu, the change is in the history beside the
// comment, and resubmitting brings it back to the same reviewer.

test.use({ actionTimeout: 30_000 });

const SIZES: { name: string; viewport: { width: number; height: number }; phone?: boolean }[] = [
  { name: '360', viewport: PHONE.viewport, phone: true },
  { name: '768', viewport: { width: 768, height: 1024 } },
  { name: 'desktop', viewport: { width: 1366, height: 800 } },
];

/** The element's box lies inside the viewport, as it is on arrival (no scrolling). */
async function expectOnScreen(page: Page, testid: string) {
  const box = await page.getByTestId(testid).boundingBox();
  const view = page.viewportSize()!;
  expect(box, `${testid} is laid out`).not.toBeNull();
  expect(box!.y, `${testid} starts on the screen`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${testid} ends on the screen`).toBeLessThanOrEqual(view.height);
  expect(box!.height, `${testid} is a 44 px tap target`).toBeGreaterThanOrEqual(44);
  expect(await page.evaluate(() => window.scrollY), 'nothing was scrolled').toBe(0);
}

/** Opens `path` as `username` at each size, checks the action on a phone and takes the screenshots. */
async function atEverySize(browser: Browser, testInfo: TestInfo, username: string, path: string, testid: string, label: string, shot: string) {
  for (const size of SIZES) {
    const context = await browser.newContext(size.phone ? PHONE : { viewport: size.viewport });
    const page = await context.newPage();
    await signIn(page, username, DEMO_PASSWORD);
    await expect(page.getByRole('heading', { name: /Xin chào/ })).toBeVisible();
    await page.goto(path);
    const action = page.getByTestId(testid);
    await expect(action).toBeVisible({ timeout: 30_000 });
    await expect(action).toHaveText(label, { timeout: 30_000 });
    if (size.phone) {
      await expectOnScreen(page, testid);
      // The action comes before the PDF and the facts in the reading order.
      const order = await page.evaluate((id) => {
        const act = document.querySelector(`[data-testid="${id}"]`)!;
        const pdf = document.querySelector('[data-testid="pdf-view"]');
        const facts = document.querySelector('[data-testid="facts"]')!;
        const before = (a: Element, b: Element | null) => !b || !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
        return before(act, pdf) && before(act, facts);
      }, testid);
      expect(order, 'the action is read before the PDF and the facts').toBe(true);
      // What the phone shows on arrival, the bar included.
      await page.screenshot({ path: `artifacts/screenshots/${testInfo.project.name}-${shot}-360-screen.png` });
    }
    await snap(page, testInfo, `${shot}-${size.name}`);
    await context.close();
  }
}

async function uploadPdf(page: Page, headers: Record<string, string>, file: string): Promise<string> {
  const pdf = readFileSync(join(CORPUS, file));
  const sha = createHash('sha256').update(pdf).digest('hex');
  expect((await page.request.put(`/api/blobs/${sha}`, { data: pdf, headers: { ...headers, 'content-type': 'application/pdf' } })).status()).toBe(200);
  return sha;
}

test('at phone size a leader signs and assigns from a bar on the screen, without scrolling', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'opens its own 360, 768 and desktop contexts');
  test.setTimeout(240_000);

  // A document waiting for the director's signature.
  const official = await person(browser, 'chuyenvien1.snv');
  const id = await draftThroughApi(official.page, 'Về việc thanh tra công vụ năm 2026');
  await atEverySize(browser, testInfo, 'lanhdao.snv', `/van-ban-di/${id}`, 'action-sign', 'Ký số', 'action-bar-sign');

  // An e-mail arrival at a district (its own số đến, so the province's journeys keep theirs), forwarded to its chairman.
  const clerk = await person(browser, 'vanthu.mangthit');
  const me = await (await clerk.page.request.get('/api/me')).json();
  const headers = { 'x-csrf-token': me.csrf_token };
  const sha = await uploadPdf(clerk.page, headers, 'lo-quyet-dinh-17p.pdf');
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
  const created = await clerk.page.request.post('/api/incoming', {
    headers,
    data: {
      channel: 'email', sender_name: 'Bộ Nội vụ', code_text: '15/BNV-TCBC', issued_date: yesterday,
      doc_type: 'cong_van', subject: 'Về việc rà soát biên chế công chức', urgency: 'normal',
      main_file: { sha256: sha, name: 'cong-van.pdf' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const incoming = (await created.json()).id;
  const people = (await (await clerk.page.request.get('/api/colleagues')).json()).users;
  const chairman = people.find((u: { username: string }) => u.username === 'lanhdao.mangthit');
  const accepted = await clerk.page.request.post(`/api/incoming/${incoming}/accept`, {
    headers,
    data: { forward_to: chairman.id, override_reason: 'Bản điện tử nhận qua thư điện tử, đã đối chiếu.' },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);
  await atEverySize(browser, testInfo, 'lanhdao.mangthit', `/van-ban-den/${incoming}`, 'assign-submit', 'Phân công', 'action-bar-assign');
});

test('a returned draft has its trích yếu corrected and goes back to the reviewer who returned it', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey, with its own contexts');
  test.setTimeout(180_000);
  const official = await person(browser, 'chuyenvien1.snv');
  const me = await (await official.page.request.get('/api/me')).json();
  const headers = { 'x-csrf-token': me.csrf_token };
  const sha = await uploadPdf(official.page, headers, 'lo-quyet-dinh-17p.pdf');
  const people = (await (await official.page.request.get('/api/colleagues')).json()).users;
  const byName = (u: string) => people.find((p: { username: string }) => p.username === u).id;
  const register = (await (await official.page.request.get('/api/registers')).json()).find((r: { direction: string }) => r.direction === 'outgoing');
  const agencies = (await (await official.page.request.get('/api/agencies')).json()) as { id: number; code: string }[];
  const created = await official.page.request.post('/api/outgoing', {
    headers,
    data: {
      doc_type: 'cong_van', subject: 'Về việc báo cáo biên chế', urgency: 'normal', signer_id: byName('lanhdao.snv'),
      signing_capacity: 'direct', register_id: register.id,
      internal_recipients: [agencies.find((a) => a.code === '000.00.00.H62')!.id],
      reviewers: [byName('truongphong.snv')], main_file: { sha256: sha, name: 'cong-van.pdf' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id = String((await created.json()).id);
  expect((await official.page.request.post(`/api/outgoing/${id}/submit`, { headers, data: {} })).status()).toBe(200);

  // The unit leader returns it, on a phone: "Trả lại" is in the action bar.
  const reviewer = await person(browser, 'truongphong.snv', true);
  await openDocument(reviewer.page, id);
  await expect(reviewer.page.getByTestId('action-approve')).toHaveText('Duyệt');
  await reviewer.page.getByTestId('review-comment').fill('Trích yếu chưa nói rõ năm báo cáo.');
  await expect(reviewer.page.getByTestId('action-return-drafter')).toHaveText('Trả lại');
  await reviewer.page.getByTestId('action-return-drafter').click();
  await expect(reviewer.page.getByTestId('doc-status')).toContainText('Bị trả lại');

  // The drafter sees where it is and that the step was returned, and corrects the trích yếu.
  await openDocument(official.page, id);
  await expect(official.page.getByTestId('holder')).toContainText('Người soạn thảo');
  await expect(official.page.getByTestId('circuit-step').first()).toContainText('Đã trả lại');
  await expect(official.page.getByTestId('circuit-step').first()).not.toContainText('Đang xử lý');
  await official.page.getByTestId('action-edit').click();
  await official.page.getByTestId('edit-subject').fill('Về việc báo cáo biên chế năm 2026');
  // The recipients and the reviewers are edited with the drafting form's pickers: add Sở Tư pháp.
  const recipients = official.page.getByTestId('edit-recipients');
  await expect(recipients.getByTestId('internal-chosen')).toContainText('Ủy ban nhân dân tỉnh');
  await recipients.getByTestId('internal-search').fill('Tư pháp');
  await recipients.getByTestId('internal-option').first().check();
  await expect(official.page.getByTestId('edit-reviewers').getByTestId('reviewer-item')).toHaveCount(1);
  await official.page.getByTestId('edit-save').click();
  await expect(official.page.getByTestId('doc-title')).toContainText('Về việc báo cáo biên chế năm 2026');
  const history = official.page.getByTestId('history');
  await expect(history).toContainText('Trích yếu chưa nói rõ năm báo cáo.');
  await expect(history).toContainText('Đổi trích yếu: «Về việc báo cáo biên chế» → «Về việc báo cáo biên chế năm 2026»');
  await expect(history).toContainText('Đổi nơi nhận');
  await expect(history).toContainText('Sở Tư pháp');
  await snap(official.page, testInfo, 'return-cycle-edited');
  await official.page.getByTestId('action-submit').click();
  await expect(official.page.getByTestId('doc-status')).toContainText('Chờ duyệt');
  await expect(official.page.getByTestId('holder')).toContainText('Phan Thị Thanh Thảo');

  // Back with the reviewer who returned it.
  await openDocument(reviewer.page, id);
  await expect(reviewer.page.getByTestId('action-approve')).toBeVisible();
});
