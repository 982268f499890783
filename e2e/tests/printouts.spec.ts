import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expectNoHorizontalOverflow } from './helpers';
import { issuedBySnv, person } from './journey';

// Registers and histories printed by the server: Sở Nội vụ issues a document; its clerk downloads the register
// with "Xuất PDF" and "Xuất Excel" and the document's history with "Tải lịch sử (PDF)"; the files are read back
// with pdftotext (and the workbook's zip signature). The register page is photographed at 360, 768 and 1366 px.

async function downloaded(page: Page, testId: string): Promise<{ name: string; path: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: download.suggestedFilename(), path: await download.path() };
}

test('a clerk downloads the register as PDF and Excel and a document history as PDF', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey; the page is photographed at three widths');
  test.setTimeout(300_000);
  const issued = await issuedBySnv(browser, 'Về việc in sổ đăng ký văn bản đi', ['000.00.00.H62']);
  const { context, page } = await person(browser, 'vanthu.snv');
  await page.goto('/so-van-ban');
  await expect(page.getByTestId('register-row').filter({ hasText: issued.numberText })).toBeVisible({ timeout: 30_000 });

  const pdf = await downloaded(page, 'register-export-pdf');
  expect(pdf.name).toMatch(/\d{4}\.pdf$/);
  // Cells wrap: whitespace folded, the cells read in order.
  const text = execFileSync('pdftotext', ['-raw', pdf.path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  expect(text).toContain('SỔ ĐĂNG KÝ VĂN BẢN ĐI');
  expect(text).toContain(issued.numberText);
  expect(text).toContain('Về việc in sổ đăng ký văn bản đi');
  execFileSync('qpdf', ['--check', pdf.path]);

  const xlsx = await downloaded(page, 'register-export-xlsx');
  expect(xlsx.name).toMatch(/\d{4}\.xlsx$/);
  expect(readFileSync(xlsx.path).subarray(0, 2).toString('latin1')).toBe('PK');

  for (const [width, height] of [[360, 740], [768, 1024], [1366, 900]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(150);
    await expectNoHorizontalOverflow(page);
    for (const id of ['register-export-pdf', 'register-export-xlsx']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box!.height, `${id} at ${width} px`).toBeGreaterThanOrEqual(44);
    }
    const path = `artifacts/screenshots/printouts-register-${width}.png`;
    await page.screenshot({ path, fullPage: false });
    await testInfo.attach(`register-${width}`, { path, contentType: 'image/png' });
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // The document's history: every step with its audit-chain hash in full.
  await page.goto(`/van-ban-di/${issued.id}`);
  const history = await downloaded(page, 'history-pdf');
  expect(history.name).toMatch(/\.pdf$/);
  const historyText = execFileSync('pdftotext', ['-raw', history.path, '-'], { encoding: 'utf8' });
  expect(historyText).toContain('LỊCH SỬ XỬ LÝ VĂN BẢN ĐI');
  expect(historyText).toContain(issued.numberText);
  expect(historyText.match(/\b[0-9a-f]{64}\b/g)?.length ?? 0).toBeGreaterThanOrEqual(5);
  await page.getByTestId('history-pdf').scrollIntoViewIfNeeded();
  const path = 'artifacts/screenshots/printouts-history-button.png';
  await page.screenshot({ path });
  await testInfo.attach('history-button', { path, contentType: 'image/png' });

  await context.close();
  for (const c of issued.contexts) {
    await c.close();
  }
});
