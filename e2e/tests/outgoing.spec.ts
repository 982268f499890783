import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snap } from './helpers';

// Điều 11 end to end, as the people click it: an official drafts, the unit leader returns it with a comment, the
// official uploads v2, the unit leader approves, the agency leader signs on a phone (opening the document from
// the notification), the clerk numbers, seals and issues, the receiving agency's clerk sees it arrive. The issued
// PDF is then judged by poppler's pdfsig and by pyHanko: both signatures must verify.

import { CORPUS, KEY_PIN, PKI, ROOT, SEAL_PNG, choose, draftThroughApi, importKey, openDocument, person, sealAndIssue } from './journey';
test.use({ actionTimeout: 30_000 });

test('a document goes from draft through return, phone signature and issue to the recipient', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey, with its own desktop and phone contexts');
  test.setTimeout(300_000);

  // The official drafts: upload, metadata, a reviewer, submit.
  const official = await person(browser, 'chuyenvien1.snv');
  await official.page.goto('/van-ban-di/moi');
  await official.page.getByTestId('main-drop-input').setInputFiles(join(CORPUS, 'lo-cong-van-18p.pdf'));
  await expect(official.page.getByTestId('file-item')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await official.page.getByTestId('doc-type').selectOption('cong_van');
  await official.page.getByTestId('urgency').selectOption({ label: 'Khẩn' });
  await official.page.getByTestId('subject').fill('Về việc báo cáo tình hình biên chế năm 2026');
  await choose(official.page, 'signer', 'Lê Văn Hùng');
  await choose(official.page, 'signing-capacity', 'Ký trực tiếp');
  await official.page.getByTestId('internal-search').fill('Ủy ban nhân dân tỉnh');
  await official.page.locator('[data-testid=internal-option][data-code="000.00.00.H62"]').check();
  await choose(official.page, 'reviewer-select', 'Phan Thị Thanh Thảo');
  await official.page.getByTestId('reviewer-add').click();
  // Leaving the page (here: a reload) loses nothing typed; only the file is picked again.
  await official.page.reload();
  await expect(official.page.getByTestId('draft-restored')).toBeVisible({ timeout: 30_000 });
  await expect(official.page.getByTestId('subject')).toHaveValue('Về việc báo cáo tình hình biên chế năm 2026');
  await expect(official.page.getByTestId('internal-chosen')).toContainText('Ủy ban nhân dân tỉnh');
  await expect(official.page.getByTestId('reviewer-item')).toContainText('Phan Thị Thanh Thảo');
  await official.page.getByTestId('main-drop-input').setInputFiles(join(CORPUS, 'lo-cong-van-18p.pdf'));
  await expect(official.page.getByTestId('file-item')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  // Page 1 with the number and date boxes, to move onto the blanks of the template.
  await official.page.getByTestId('placement-open').click();
  await expect(official.page.getByTestId('placement-box')).toHaveCount(2, { timeout: 30_000 });
  await snap(official.page, testInfo, 'outgoing-draft-form');
  await official.page.getByTestId('save-and-submit').click();
  await expect(official.page).toHaveURL(/\/van-ban-di\/\d+$/, { timeout: 30_000 });
  const id = official.page.url().match(/(\d+)$/)![1];
  await expect(official.page.getByTestId('doc-status')).toContainText('Chờ duyệt');

  // The unit leader returns it with a comment.
  const unitLeader = await person(browser, 'truongphong.snv');
  await openDocument(unitLeader.page, id);
  await unitLeader.page.getByTestId('review-comment').fill('Bổ sung số liệu quý IV vào phụ lục.');
  await unitLeader.page.getByTestId('action-return-drafter').click();
  await expect(unitLeader.page.getByTestId('doc-status')).toContainText('Bị trả lại');

  // The official sees the comment, uploads v2 and submits again.
  await openDocument(official.page, id);
  await expect(official.page.getByTestId('history')).toContainText('Bổ sung số liệu quý IV');
  await official.page.getByTestId('action-new-version').click();
  await official.page.getByTestId('new-version-file').setInputFiles(join(CORPUS, 'lo-bao-cao-20p.pdf'));
  await official.page.getByTestId('new-version-comment').fill('Đã bổ sung số liệu.');
  await official.page.getByTestId('new-version-submit').click();
  await expect(official.page.getByTestId('version')).toHaveCount(2, { timeout: 30_000 });
  await official.page.getByTestId('action-submit').click();
  await expect(official.page.getByTestId('doc-status')).toContainText('Chờ duyệt');

  // The agency leader, on a phone, has a key and is waiting; the unit leader approves; the notification opens it.
  const leader = await person(browser, 'lanhdao.snv', true);
  await importKey(leader.page, 'lanhdao.snv.p12', /Lê Văn Hùng/);
  await leader.page.goto('/');
  await openDocument(unitLeader.page, id);
  await unitLeader.page.getByTestId('action-approve').click();
  await expect(unitLeader.page.getByTestId('doc-status')).toContainText('Chờ ký');
  const toast = leader.page.getByTestId('toast-open').first();
  await expect(toast).toBeVisible({ timeout: 20_000 });
  await toast.click();
  await expect(leader.page).toHaveURL(new RegExp(`/van-ban-di/${id}$`));
  await expect(leader.page.getByTestId('sign-task')).toBeVisible({ timeout: 30_000 });
  await leader.page.getByTestId('sign-pin').fill(KEY_PIN);
  await snap(leader.page, testInfo, 'outgoing-sign-phone');
  await leader.page.getByTestId('action-sign').click();
  await expect(leader.page.getByTestId('doc-status')).toContainText('Chờ phát hành', { timeout: 90_000 });
  const overflow = await leader.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the phone page scrolls sideways').toBeLessThanOrEqual(0);

  // The clerk takes the next number, fills it in, seals and issues.
  const clerk = await person(browser, 'vanthu.snv');
  await importKey(clerk.page, 'dau.snv.p12', /Sở Nội vụ/);
  await openDocument(clerk.page, id);
  await expect(clerk.page.getByTestId('issue-task')).toBeVisible({ timeout: 30_000 });
  await clerk.page.getByTestId('action-reserve').click();
  // The register is shared by every type of document, so the number depends on what was issued before.
  await expect(clerk.page.getByTestId('held-number-text')).toHaveText(/^\d{2,}\/SNV-TCBC$/);
  const numberText = (await clerk.page.getByTestId('held-number-text').textContent())!.trim();
  await sealAndIssue(clerk.page);
  await expect(clerk.page.getByTestId('doc-number')).toContainText(numberText);
  await expect(clerk.page.getByTestId('delivery-status').first()).toContainText('Đã đến');
  await snap(clerk.page, testInfo, 'outgoing-issued');

  // The issued file: the leader's signature and the agency's seal verify in pdfsig and pyHanko.
  const doc = await (await clerk.page.request.get(`/api/outgoing/${id}`)).json();
  const issued = doc.versions[doc.versions.length - 1];
  expect(issued.kind).toBe('issued');
  const pdf = await clerk.page.request.get(`/api/outgoing/${id}/files/${issued.files[0].id}`);
  expect(pdf.status()).toBe(200);
  const file = join(mkdtempSync(join(tmpdir(), 'vanban-issued-')), 'issued.pdf');
  writeFileSync(file, await pdf.body());
  const pdfsig = execFileSync('pdfsig', [file], { encoding: 'utf8' });
  expect(pdfsig.match(/Signature Validation: Signature is Valid\./g)?.length ?? 0, pdfsig).toBe(2);
  const python = join(process.env.HOME ?? '/root', '.cache', 'vanban', 'judges-venv', 'bin', 'python');
  const verdicts = JSON.parse(
    execFileSync(python, [join(ROOT, 'scripts', 'judges', 'pyhanko_validate.py'), file, '--trust', join(PKI, 'ca', 'ca.pem')], {
      encoding: 'utf8',
    }),
  );
  // The leader's signature, the seal, and the document timestamp the server adds at issue (PAdES B-LTA): after
  // the seal only the validation data and the timestamp are appended, and the timestamp covers the whole file.
  expect(verdicts).toHaveLength(3);
  for (const v of verdicts) {
    expect(v.intact && v.valid && v.trusted, JSON.stringify(v)).toBe(true);
  }
  expect(verdicts.map((v: { type: string }) => v.type)).toEqual(['signature', 'signature', 'timestamp']);
  expect(verdicts[0].modification_level).toBe('FORM_FILLING');
  expect(verdicts[1].modification_level).toBe('LTA_UPDATES');
  expect(verdicts[0].timestamp?.trusted && verdicts[1].timestamp?.trusted).toBe(true);
  expect(verdicts[2].coverage).toBe('ENTIRE_FILE');

  // The receiving agency's clerk sees it arrive, waiting to be registered.
  const receiver = await person(browser, 'vanthu.ubnd');
  await receiver.page.goto('/van-ban-den?muc=to_register');
  const row = receiver.page.getByTestId('incoming-row').filter({ hasText: numberText });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await snap(receiver.page, testInfo, 'outgoing-arrived');

  // The register has the entry.
  await clerk.page.goto('/so-van-ban');
  await expect(clerk.page.getByTestId('register-row').filter({ hasText: numberText })).toBeVisible();
  // The register fits a 1366 px screen with all 10 columns (no sideways scrolling), and a 768 px tablet reads it
  // across the full width.
  for (const width of [1366, 768]) {
    await clerk.page.setViewportSize({ width, height: 900 });
    await expect(clerk.page.getByTestId('register-row').first()).toBeVisible();
    const fit = await clerk.page.evaluate(() => {
      const table = document.querySelector('[data-testid=register-table]') as HTMLElement;
      const wrap = table.closest('.table-wrap') as HTMLElement;
      const content = document.querySelector('main.content') as HTMLElement;
      const padding = parseFloat(getComputedStyle(content).paddingLeft) + parseFloat(getComputedStyle(content).paddingRight);
      return {
        sideways: wrap.scrollWidth - wrap.clientWidth,
        columns: table.querySelectorAll('thead th').length,
        headersShown: Array.from(table.querySelectorAll('thead th')).filter((th) => (th as HTMLElement).offsetWidth > 0).length,
        used: table.getBoundingClientRect().width,
        room: content.clientWidth - padding,
      };
    });
    expect(fit.sideways, `register scrolls sideways at ${width} px`).toBeLessThanOrEqual(1);
    if (width === 1366) {
      expect(fit.columns).toBe(10);
      expect(fit.headersShown, 'all 10 columns as a table').toBe(10);
    }
    expect(fit.used, `register uses the width at ${width} px`).toBeGreaterThanOrEqual(fit.room - 2);
    await snap(clerk.page, testInfo, `register-${width}`);
  }
  await clerk.page.setViewportSize({ width: 1280, height: 800 });

  for (const p of [official, unitLeader, leader, clerk, receiver]) {
    await p.context.close();
  }
});

test('a leader signs several documents in one action and sees a result for each', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey, with its own contexts');
  test.setTimeout(240_000);
  const official = await person(browser, 'chuyenvien1.snv');
  const ids = [
    await draftThroughApi(official.page, 'Quyết định về việc cử cán bộ đi công tác (lô 1)'),
    await draftThroughApi(official.page, 'Quyết định về việc cử cán bộ đi công tác (lô 2)'),
  ];
  const leader = await person(browser, 'lanhdao.snv');
  await importKey(leader.page, 'lanhdao.snv.p12', /Lê Văn Hùng/);
  await leader.page.goto('/van-ban-di?muc=to_sign');
  for (const id of ids) {
    await leader.page.locator(`[data-testid=outgoing-row][data-id="${id}"]`).getByTestId('select-document').check();
  }
  await leader.page.getByTestId('batch-sign-open').click();
  await expect(leader.page.getByTestId('batch-sign-submit')).toHaveText('Ký tất cả', { timeout: 30_000 });
  await leader.page.getByTestId('batch-pin').fill(KEY_PIN);
  await leader.page.getByTestId('batch-sign-submit').click();
  await expect(leader.page.getByTestId('batch-result')).toHaveCount(2, { timeout: 120_000 });
  await expect(leader.page.locator('[data-testid=batch-result][data-ok=true]')).toHaveCount(2);
  for (const id of ids) {
    const doc = await (await leader.page.request.get(`/api/outgoing/${id}`)).json();
    expect(doc.status).toBe('awaiting_issue');
  }
  await official.context.close();
  await leader.context.close();
});

test('a draft file with JavaScript is flagged while drafting and refused on submit', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one check of the drafting page');
  const official = await person(browser, 'chuyenvien1.snv');
  await official.page.goto('/van-ban-di/moi');
  await official.page.getByTestId('main-drop-input').setInputFiles(join(CORPUS, 'bad', 'js-openaction.pdf'));
  await expect(official.page.getByTestId('file-warning')).toContainText('JavaScript', { timeout: 30_000 });
  await expect(official.page.getByTestId('file-warning')).toContainText('Điều 22.2');
  await snap(official.page, testInfo, 'outgoing-draft-active-content');
});
