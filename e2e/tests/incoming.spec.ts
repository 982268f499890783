import { test, expect, Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snap } from './helpers';
import { CORPUS, KEY_PIN, choose, draftThroughApi, importKey, issuedBySnv, openDocument, person } from './journey';

// Điều 12, 16, 17 end to end, as the people click it: Sở Nội vụ issues a document to the province (UBND) and to
// its office (VPUBND). The province's clerk checks the signatures and registers it (số đến), forwarding it to the
// chairman; the chairman assigns it on a phone with a deadline; the official drafts a reply (an outgoing draft
// linked to it) and completes it; the sender saw 01 → 03 → 04 → 05 → 06. The office's clerk returns its copy with
// a reason, which the sender sees. A copy changed by one byte shows red and is not accepted without a reason.

test.use({ actionTimeout: 30_000 });

const PROVINCE = '000.00.00.H62';
const OFFICE = '000.00.01.H62';

async function openIncoming(page: Page, id: number | string) {
  await page.goto(`/van-ban-den/${id}`);
  await expect(page.getByTestId('incoming-page')).toBeVisible({ timeout: 30_000 });
}

/** The statuses a recipient agency's copy went through, as the sender's API shows them. */
async function senderSees(page: Page, outgoing: number, agencyCode: string): Promise<string[]> {
  const doc = await (await page.request.get(`/api/outgoing/${outgoing}`)).json();
  const agencies = (await (await page.request.get('/api/agencies')).json()) as { id: number; code: string }[];
  const agency = agencies.find((a) => a.code === agencyCode)!.id;
  const delivery = doc.deliveries.find((d: { recipient_agency_id: number }) => d.recipient_agency_id === agency);
  return delivery.events.map((e: { status: string }) => e.status);
}

function inDays(days: number): string {
  const t = new Date(Date.now() + 7 * 3600_000 + days * 86_400_000);
  return t.toISOString().slice(0, 10);
}

test('an issued document is accepted, assigned on a phone, answered and completed while the sender sees each status', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey, with its own desktop and phone contexts');
  test.setTimeout(420_000);
  const subject = 'Về việc rà soát biên chế công chức năm 2027';
  const issued = await issuedBySnv(browser, subject, [PROVINCE, OFFICE]);
  const sender = await person(browser, 'chuyenvien1.snv');

  // The province's clerk: it waits in "Chờ vào sổ"; both verifications are green; vào sổ and trình the chairman.
  const clerk = await person(browser, 'vanthu.ubnd');
  await clerk.page.goto('/van-ban-den?muc=to_register');
  const row = clerk.page.getByTestId('incoming-row').filter({ hasText: issued.numberText });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.getByTestId('incoming-link').click();
  await expect(clerk.page.getByTestId('incoming-page')).toBeVisible({ timeout: 30_000 });
  const incomingId = clerk.page.url().match(/(\d+)$/)![1];
  await expect(clerk.page.getByTestId('verification-verdict')).toHaveAttribute('data-ok', 'true');
  await expect(clerk.page.getByTestId('local-signature').first()).toHaveAttribute('data-level', 'ok', { timeout: 60_000 });
  await expect(clerk.page.locator('[data-testid=local-signature][data-level=bad]')).toHaveCount(0);
  await choose(clerk.page, 'accept-forward', 'Nguyễn Văn Phước');
  await snap(clerk.page, testInfo, 'incoming-check');
  await clerk.page.getByTestId('action-accept').click();
  await expect(clerk.page.getByTestId('doc-status')).toHaveAttribute('data-status', 'to_assign', { timeout: 30_000 });
  await expect(clerk.page.getByTestId('arrival-number')).toContainText('1');
  await expect.poll(() => senderSees(sender.page, issued.id, PROVINCE), { timeout: 20_000 }).toEqual(['arrived', 'accepted']);

  // The chairman, on a phone: the chủ trì is the official, with a deadline.
  const chairman = await person(browser, 'lanhdao.ubnd', true);
  await openIncoming(chairman.page, incomingId);
  await expect(chairman.page.getByTestId('assign-form')).toBeVisible();
  await chairman.page.getByTestId('assign-instruction').fill('Giao đồng chí Bích chủ trì, báo cáo trước hạn.');
  await chairman.page.getByTestId('assign-due').fill(inDays(5));
  await choose(chairman.page, 'assign-add-person', 'Phạm Thị Ngọc Bích');
  await chairman.page.getByTestId('assign-target').first().getByTestId('assign-role-lead').click();
  await snap(chairman.page, testInfo, 'incoming-assign-phone');
  const overflow = await chairman.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the phone page scrolls sideways').toBeLessThanOrEqual(0);
  await chairman.page.getByTestId('assign-submit').click();
  await expect(chairman.page.getByTestId('doc-status')).toHaveAttribute('data-status', 'in_progress', { timeout: 30_000 });
  await expect.poll(() => senderSees(sender.page, issued.id, PROVINCE), { timeout: 20_000 }).toEqual(['arrived', 'accepted', 'assigned']);

  // The official finds it at the top of "Chờ xử lý" and drafts the reply from it (05).
  const official = await person(browser, 'chuyenvien1.ubnd');
  await official.page.goto('/van-ban-den?muc=pending');
  await expect(official.page.getByTestId('incoming-row').filter({ hasText: issued.numberText })).toBeVisible({ timeout: 20_000 });
  await openIncoming(official.page, incomingId);

  // The chairman's morning look, on the phone: the official's open work on the dashboard, drilled into, and an
  // urge (đôn đốc) that reaches her at once as a notification.
  await chairman.page.goto('/bang-theo-doi');
  await expect(chairman.page.getByTestId('dashboard-page')).toBeVisible({ timeout: 30_000 });
  const backlog = chairman.page.getByTestId('backlog-user').filter({ hasText: 'Phạm Thị Ngọc Bích' });
  await expect(backlog).toBeVisible({ timeout: 30_000 });
  await backlog.getByTestId('drill-user').click();
  await expect(chairman.page.getByTestId('crumb-current')).toContainText('Phạm Thị Ngọc Bích', { timeout: 30_000 });
  const work = chairman.page.getByTestId('drill-list').getByTestId('work-row').filter({ hasText: subject });
  await expect(work).toHaveCount(1, { timeout: 30_000 });
  await work.getByTestId('urge-button').click();
  await work.getByTestId('urge-message').fill('Đề nghị đồng chí khẩn trương dự thảo văn bản trả lời.');
  await work.getByTestId('urge-send').click();
  await expect(work.getByTestId('urge-result')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 });
  await expect(work.getByTestId('last-urged')).not.toContainText('Chưa đôn đốc');
  await snap(chairman.page, testInfo, 'incoming-dashboard-phone');
  const overflowDash = await chairman.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflowDash, 'the phone dashboard scrolls sideways').toBeLessThanOrEqual(0);
  const urged = official.page.locator('[data-testid=toast][data-urgent=true]');
  await expect(urged).toContainText('khẩn trương', { timeout: 20_000 });

  await official.page.getByTestId('action-reply').click();
  await expect(official.page.getByTestId('answers-notice')).toBeVisible({ timeout: 30_000 });
  await official.page.getByTestId('main-drop-input').setInputFiles(join(CORPUS, 'lo-cong-van-18p.pdf'));
  await expect(official.page.getByTestId('file-item')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await official.page.getByTestId('doc-type').selectOption('cong_van');
  await official.page.getByTestId('subject').fill('Về việc trả lời rà soát biên chế công chức năm 2027');
  await choose(official.page, 'signer', 'Nguyễn Văn Phước');
  await choose(official.page, 'signing-capacity', 'Ký trực tiếp');
  await official.page.getByTestId('internal-search').fill('Sở Nội vụ');
  await official.page.locator('[data-testid=internal-option][data-code="000.00.02.H62"]').check();
  await official.page.getByTestId('save-and-submit').click();
  await expect(official.page).toHaveURL(/\/van-ban-di\/\d+$/, { timeout: 30_000 });
  await expect.poll(() => senderSees(sender.page, issued.id, PROVINCE), { timeout: 20_000 }).toEqual(['arrived', 'accepted', 'assigned', 'processing']);

  // Back on the received document: the reply is linked; completing it finishes the document (06).
  await openIncoming(official.page, incomingId);
  await expect(official.page.getByTestId('replies')).toContainText('trả lời rà soát biên chế');
  await official.page.getByTestId('handler-comment').fill('Đã trình văn bản trả lời Sở Nội vụ.');
  await official.page.getByTestId('action-complete').click();
  await expect(official.page.getByTestId('doc-status')).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await expect(official.page.getByTestId('history')).toContainText('Nguyễn Văn Phước');
  await snap(official.page, testInfo, 'incoming-completed');

  // The sender saw every step, in order, on its document page.
  await expect.poll(() => senderSees(sender.page, issued.id, PROVINCE), { timeout: 20_000 }).toEqual(['arrived', 'accepted', 'assigned', 'processing', 'completed']);
  await sender.page.goto(`/van-ban-di/${issued.id}`);
  await expect(sender.page.locator('[data-testid=delivery-status][data-code="06"]')).toBeVisible({ timeout: 30_000 });

  // The office's clerk returns its copy with a reason; the sender sees 02 and the reason.
  const officeClerk = await person(browser, 'vanthu.vpubnd');
  await officeClerk.page.goto('/van-ban-den?muc=to_register');
  await officeClerk.page.getByTestId('incoming-row').filter({ hasText: issued.numberText }).getByTestId('incoming-link').click();
  await expect(officeClerk.page.getByTestId('incoming-page')).toBeVisible({ timeout: 30_000 });
  await officeClerk.page.getByTestId('action-return-open').click();
  await officeClerk.page.getByTestId('action-return').click();
  await expect(officeClerk.page.getByTestId('doc-status')).toHaveAttribute('data-status', 'arrived');
  const reason = 'Văn bản không thuộc thẩm quyền giải quyết của Văn phòng UBND tỉnh.';
  await officeClerk.page.getByTestId('return-reason').fill(reason);
  await officeClerk.page.getByTestId('action-return').click();
  await expect(officeClerk.page.getByTestId('doc-status')).toHaveAttribute('data-status', 'returned', { timeout: 30_000 });
  await expect.poll(() => senderSees(sender.page, issued.id, OFFICE), { timeout: 20_000 }).toEqual(['arrived', 'rejected']);
  await sender.page.reload();
  await expect(sender.page.locator('[data-testid=delivery-status][data-code="02"]')).toBeVisible({ timeout: 30_000 });
  await expect(sender.page.getByTestId('document-page')).toContainText(reason);
  await snap(sender.page, testInfo, 'incoming-sender-statuses');

  // A copy changed by one byte after signing, received by e-mail: red, and not accepted without a reason.
  const received = await (await clerk.page.request.get(`/api/incoming/${incomingId}`)).json();
  const original = await (await clerk.page.request.get(`/api/incoming/${incomingId}/files/${received.files[0].id}`)).body();
  const bytes = Buffer.from(original);
  const at = bytes.indexOf('stream', Math.floor(bytes.length / 3)) + 40;
  bytes[at] = bytes[at] ^ 0x01;
  const tampered = join(mkdtempSync(join(tmpdir(), 'vanban-tampered-')), 'cong-van-sua.pdf');
  writeFileSync(tampered, bytes);
  // Leaving the intake form by mistake loses nothing typed; "Bắt đầu lại" empties it.
  await clerk.page.goto('/van-ban-den/moi');
  await expect(clerk.page.getByTestId('intake-form')).toBeVisible({ timeout: 30_000 });
  await expect(clerk.page.getByTestId('intake-restored')).toHaveCount(0);
  await clerk.page.getByTestId('sender-name').fill('Bộ Nội vụ');
  await clerk.page.getByTestId('subject').fill('Về việc đang nhập dở');
  await clerk.page.goto('/van-ban-den?muc=all');
  await clerk.page.goto('/van-ban-den/moi');
  await expect(clerk.page.getByTestId('intake-restored')).toBeVisible({ timeout: 30_000 });
  await expect(clerk.page.getByTestId('sender-name')).toHaveValue('Bộ Nội vụ');
  await expect(clerk.page.getByTestId('subject')).toHaveValue('Về việc đang nhập dở');
  await clerk.page.getByTestId('intake-start-over').click();
  await expect(clerk.page.getByTestId('subject')).toHaveValue('');
  await expect(clerk.page.getByTestId('intake-restored')).toHaveCount(0);
  await clerk.page.getByTestId('channel-email').check();
  await clerk.page.getByTestId('intake-main-drop-input').setInputFiles(tampered);
  await expect(clerk.page.getByTestId('file-item')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await clerk.page.getByTestId('sender-name').fill('Sở Nội vụ tỉnh Vĩnh Long');
  await clerk.page.getByTestId('code-text').fill(issued.numberText);
  await clerk.page.getByTestId('issued-date').fill(inDays(0));
  await clerk.page.getByTestId('doc-type').selectOption('quyet_dinh');
  await clerk.page.getByTestId('subject').fill(subject);
  await clerk.page.getByTestId('intake-submit').click();
  await expect(clerk.page).toHaveURL(/\/van-ban-den\/\d+$/, { timeout: 30_000 });
  await expect(clerk.page.getByTestId('verification-verdict')).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(clerk.page.locator('[data-testid=local-signature][data-level=bad]').first()).toBeVisible({ timeout: 60_000 });
  await expect(clerk.page.getByTestId('accept-verification-failed')).toBeVisible();
  await clerk.page.getByTestId('action-accept').click();
  await expect(clerk.page.getByTestId('doc-status')).toHaveAttribute('data-status', 'arrived');
  await snap(clerk.page, testInfo, 'incoming-tampered');
  await clerk.page.getByTestId('override-reason').fill('Đã đối chiếu với bản giấy nhận qua bưu điện; nội dung khớp.');
  await clerk.page.getByTestId('action-accept').click();
  await expect(clerk.page.getByTestId('doc-status')).toHaveAttribute('data-status', 'registered', { timeout: 30_000 });
  await expect(clerk.page.getByTestId('history')).toContainText('Đã đối chiếu với bản giấy');
  // Once saved, the form starts empty again.
  await clerk.page.goto('/van-ban-den/moi');
  await expect(clerk.page.getByTestId('intake-form')).toBeVisible({ timeout: 30_000 });
  await expect(clerk.page.getByTestId('subject')).toHaveValue('');
  await expect(clerk.page.getByTestId('intake-restored')).toHaveCount(0);

  for (const c of [...issued.contexts, sender.context, clerk.context, chairman.context, official.context, officeClerk.context]) {
    await c.close();
  }
});

// Điều 16.4: the director, going away, delegates signing (KT.) to the unit leader, who signs on a phone in their
// own name; the signature box opens with "KT. GIÁM ĐỐC" and the history names both. The delegation is revoked
// at the end, so the other journeys find the director signing in person.
test('a unit leader signs for the absent director under a delegation, with the KT. mark', async ({ browser }, testInfo) => {
  const official = await person(browser, 'chuyenvien1.snv');
  const id = await draftThroughApi(official.page, 'Quyết định ký thay khi Giám đốc đi công tác');
  const director = await person(browser, 'lanhdao.snv', testInfo.project.name === 'phone');
  await director.page.goto('/uy-quyen');
  await expect(director.page.getByTestId('delegations-page')).toBeVisible({ timeout: 30_000 });
  await director.page.getByTestId('delegation-new').click();
  await choose(director.page, 'delegation-to', 'Phan Thị Thanh Thảo');
  await director.page.getByTestId('delegation-signing').check();
  await director.page.getByTestId('delegation-capacity-kt').check();
  await director.page.getByTestId('delegation-reason').fill('Đi công tác tại Hà Nội');
  await director.page.getByTestId('delegation-submit').click();
  const active = director.page.locator('[data-testid=delegation][data-active=true]').filter({ hasText: 'Phan Thị Thanh Thảo' });
  await expect(active).toHaveCount(1, { timeout: 30_000 });
  await expect(active.getByTestId('delegation-mark')).toBeVisible();
  await snap(director.page, testInfo, 'delegations');

  const deputy = await person(browser, 'truongphong.snv', true);
  await importKey(deputy.page, 'truongphong.snv.p12', /Phan Thị Thanh Thảo/);
  await openDocument(deputy.page, String(id));
  await expect(deputy.page.getByTestId('sign-task')).toBeVisible({ timeout: 30_000 });
  await expect(deputy.page.getByTestId('delegated-signing')).toContainText('KT. GIÁM ĐỐC');
  // The work pages' styles came with the work bundle (the sign-in page does not load them).
  const styled = await deputy.page.getByTestId('sign-task').evaluate((e) => getComputedStyle(e).borderTopStyle);
  expect(styled).toBe('solid');
  await expect(deputy.page.getByTestId('delegated-signing')).toContainText('Lê Văn Hùng');
  await deputy.page.getByTestId('preview-button').click();
  await snap(deputy.page, testInfo, 'delegated-sign-preview');
  await deputy.page.getByTestId('sign-pin').fill(KEY_PIN);
  await deputy.page.getByTestId('action-sign').click();
  await expect(deputy.page.getByTestId('doc-status')).toContainText('Chờ phát hành', { timeout: 90_000 });
  const doc = await (await deputy.page.request.get(`/api/outgoing/${id}`)).json();
  expect(doc.signing_capacity).toBe('kt');
  const signed = doc.history.find((h: { action: string }) => h.action === 'signed');
  expect(signed.actor.full_name).toBe('Phan Thị Thanh Thảo');
  expect(signed.comment).toContain('Lê Văn Hùng');

  // Revoked: the deputy no longer signs for the director.
  await active.getByTestId('delegation-revoke').click();
  await active.getByTestId('delegation-revoke-yes').click();
  await expect(director.page.locator('[data-testid=delegation][data-active=true]').filter({ hasText: 'Phan Thị Thanh Thảo' })).toHaveCount(0, { timeout: 30_000 });
  for (const c of [official.context, director.context, deputy.context]) {
    await c.close();
  }
});
