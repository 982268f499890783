import { test, expect, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoHorizontalOverflow, openNav } from './helpers';
import { issuedBySnv, person } from './journey';

// Record files (hồ sơ, Điều 14): Sở Nội vụ's clerk opens a file in the catalogue, files an issued document into
// it from the document's page ("Đưa vào hồ sơ"), closes it and hands it over: the archive package downloads and
// is checked with the real tools (unzip, sha256sum -c on its manifest, qpdf on the hand-over record). The page
// is photographed at 360, 768 and 1366 px.

async function shots(page: Page, testInfo: TestInfo, name: string) {
  for (const [width, height] of [[360, 740], [768, 1024], [1366, 900]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(150);
    await expectNoHorizontalOverflow(page);
    const path = `artifacts/screenshots/record-files-${name}-${width}.png`;
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${name}-${width}`, { path, contentType: 'image/png' });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('a clerk files an issued document, closes the file and hands it over as a package that verifies', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey; the page is photographed at three widths');
  test.setTimeout(300_000);
  const subject = 'Về việc lập hồ sơ và nộp lưu tài liệu điện tử';
  const issued = await issuedBySnv(browser, subject, ['000.00.00.H62']);

  const { context, page } = await person(browser, 'vanthu.snv');
  // "Hồ sơ" is in the navigation for the clerk.
  await openNav(page);
  await page.getByTestId('nav-record-files').click();
  await expect(page.getByTestId('record-files-page')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Hồ sơ', exact: true })).toBeVisible();

  // Open a file: permanent retention, with a mark.
  const title = 'Hồ sơ nộp lưu thử nghiệm năm nay';
  await page.getByTestId('record-file-new').click();
  await page.getByTestId('record-file-title').fill(title);
  await page.getByTestId('record-file-retention').selectOption('0');
  await page.getByTestId('record-file-mark').fill('vp');
  await page.getByTestId('record-file-submit').click();
  await expect(page.getByTestId('record-file-notice')).toContainText('Đã lập hồ sơ');
  const card = page.getByTestId('record-file').filter({ hasText: title });
  await expect(card).toBeVisible();
  const code = (await card.getAttribute('data-code'))!;
  expect(code).toMatch(/^000\.00\.02\.H62\.\d{4}\.\d{2}\.VP$/);
  await expect(card.getByTestId('record-file-no-documents')).toBeVisible();

  // From the issued document's page: "Đưa vào hồ sơ".
  await page.goto(`/van-ban-di/${issued.id}`);
  await expect(page.getByTestId('document-page')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('file-into-open').click();
  await expect(page.getByTestId('file-into-select')).toBeVisible();
  const option = page.getByTestId('file-into-select').locator('option', { hasText: code });
  await page.getByTestId('file-into-select').selectOption((await option.getAttribute('value'))!);
  await page.getByTestId('file-into-submit').click();
  await expect(page.getByTestId('file-into-message')).toContainText(`Đã đưa vào hồ sơ ${code}`);

  // The file lists it, in order.
  await page.goto('/ho-so');
  const opened = page.getByTestId('record-file').filter({ hasText: title });
  await opened.getByTestId('record-file-open').click();
  const line = opened.getByTestId('record-file-document');
  await expect(line).toHaveCount(1);
  await expect(line).toContainText(issued.numberText);
  await expect(line).toContainText(subject);
  await expect(line).toHaveAttribute('data-position', '1');
  await shots(page, testInfo, 'open');

  // Close it.
  await opened.getByTestId('record-file-close').click();
  await opened.getByTestId('record-file-close-yes').click();
  await expect(opened).toHaveAttribute('data-state', 'closed');
  await expect(opened.getByTestId('record-file-state')).toHaveText('Đã đóng');

  // Hand it over: the package downloads, and the file becomes handed over.
  // Closing refetches the list, which may fold the detail while it redraws: open it until the button shows.
  await expect(async () => {
    if (!(await opened.getByTestId('record-file-detail').isVisible())) {
      await opened.getByTestId('record-file-open').click();
    }
    await expect(opened.getByTestId('record-file-package')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const downloading = page.waitForEvent('download');
  await opened.getByTestId('record-file-package').click();
  const download = await downloading;
  const dir = mkdtempSync(join(tmpdir(), 'ho-so-'));
  const zip = join(dir, 'package.zip');
  await download.saveAs(zip);
  expect(download.suggestedFilename()).toBe(`ho-so-${code}.zip`);
  execFileSync('unzip', ['-q', zip, '-d', join(dir, 'x')]);
  const check = execFileSync('sha256sum', ['-c', 'manifest-sha256.txt'], { cwd: join(dir, 'x') }).toString();
  expect(check).toContain('bien-ban-giao-nhan.pdf: OK');
  expect(check).toContain('ho-so.json: OK');
  expect(check).toMatch(/van-ban\/001-di-\d+\/01-.*\.pdf: OK/);
  expect(check).not.toContain('FAILED');
  execFileSync('qpdf', ['--check', join(dir, 'x', 'bien-ban-giao-nhan.pdf')]);
  const meta = JSON.parse(readFileSync(join(dir, 'x', 'ho-so.json'), 'utf8'));
  expect(meta.Code).toBe(code);
  expect(meta.Maintenance).toBe('Vĩnh viễn');
  expect(meta.Documents[0].Subject).toBe(subject);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'x', 'bien-ban-giao-nhan.pdf'), '-']).toString();
  expect(text).toContain('BIÊN BẢN');
  expect(text).toContain(code);

  await expect(opened).toHaveAttribute('data-state', 'handed_over', { timeout: 15_000 });
  await expect(opened.getByTestId('record-file-handed-over')).toBeVisible();
  await shots(page, testInfo, 'handed-over');

  for (const c of [context, ...issued.contexts]) {
    await c.close();
  }
});
