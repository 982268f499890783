import { test, expect, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expectNoHorizontalOverflow } from './helpers';
import { issuedBySnv, PHONE, person } from './journey';

// Public verification of printed copies (issue 15): Sở Nội vụ issues a document in the browsers (the clerk's
// worker draws the verification code and its QR code with the number, before the seal); someone who is not
// signed in opens /xac-minh/{code} on a phone, sees it authentic with its number, agency and signers, downloads
// the original and checks files: the original is authentic, a changed copy is not. The issued PDF passes qpdf
// and pdfsig, and its last page is rendered with pdftoppm (artifacts) to look at where the stamp went.

async function shots(page: Page, testInfo: TestInfo, name: string) {
  for (const [width, height] of [[360, 740], [768, 1024], [1366, 900]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(150);
    await expectNoHorizontalOverflow(page);
    const path = `artifacts/screenshots/verify-${name}-${width}.png`;
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${name}-${width}`, { path, contentType: 'image/png' });
  }
  await page.setViewportSize(PHONE.viewport);
}

test('anyone checks an issued document by the code printed on it and by its file, without signing in', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey; the page is photographed at three widths');
  test.setTimeout(300_000);
  const subject = 'Về việc công khai mã xác minh văn bản điện tử';
  const issued = await issuedBySnv(browser, subject, ['000.00.00.H62']);

  // The issued document carries its code (the clerk sees it in the document's JSON).
  const clerk = await person(browser, 'vanthu.snv');
  const doc = await (await clerk.page.request.get(`/api/outgoing/${issued.id}`)).json();
  const code: string = doc.verification_code;
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

  // The issued file: qpdf and pdfsig are content; its last page rendered, and the stamp's text found there.
  const dir = mkdtempSync(join(tmpdir(), 'vanban-verify-'));
  const main = doc.versions[doc.versions.length - 1].files[0];
  const bytes = await (await clerk.page.request.get(`/api/outgoing/${issued.id}/files/${main.id}`)).body();
  const pdf = join(dir, 'issued.pdf');
  writeFileSync(pdf, bytes);
  execFileSync('qpdf', ['--check', pdf]);
  const sigs = execFileSync('pdfsig', [pdf]).toString();
  expect(sigs).toContain('Signature #2');
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf]).toString())![1]);
  mkdirSync('artifacts/screenshots', { recursive: true });
  execFileSync('pdftoppm', ['-f', String(pages), '-l', String(pages), '-r', '110', '-png', pdf, 'artifacts/screenshots/verify-issued-last-page']);
  // The stamp (the appearance of its field) shows in the rendering, for a person to look at.
  const rendered = readdirPng('artifacts/screenshots', 'verify-issued-last-page');
  await testInfo.attach('issued-last-page', { path: rendered, contentType: 'image/png' });

  // Someone with the printed copy, on a phone, not signed in, types nothing: the QR code opens the page.
  const anyone = await browser.newContext(PHONE);
  const page = await anyone.newPage();
  await page.goto(`/xac-minh/${code}`);
  const result = page.getByTestId('verify-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result).toHaveAttribute('data-authentic', 'true');
  await expect(result).toContainText('Văn bản xác thực');
  await expect(page.getByTestId('verify-number')).toHaveText(issued.numberText);
  await expect(page.getByTestId('verify-agency')).toHaveText('Sở Nội vụ tỉnh Vĩnh Long');
  await expect(page.getByTestId('verify-subject')).toHaveText(subject);
  await expect(page.getByTestId('verify-signer')).toHaveCount(2);
  await expect(page.getByTestId('verify-signer').first()).toContainText('Lê Văn Hùng');
  await expect(page.getByTestId('verify-download')).toBeVisible();
  await shots(page, testInfo, 'authentic');

  // The original, downloaded without signing in, is byte for byte the issued file; checked back, authentic.
  const download = await page.request.get(await page.getByTestId('verify-download').getAttribute('href') as string);
  expect(download.status()).toBe(200);
  expect(Buffer.compare(await download.body(), bytes)).toBe(0);
  // The file button speaks Vietnamese (the browser's own one would say "Choose file").
  await expect(page.locator('.verify-choose')).toHaveText('Chọn tệp PDF…');
  await expect(page.locator('.verify-choose')).toBeVisible();
  await page.getByTestId('verify-file').setInputFiles(pdf);
  await expect(page.getByTestId('verify-file-name')).toHaveText(basename(pdf));
  const byFile = page.getByTestId('verify-file-result');
  await expect(byFile).toHaveAttribute('data-authentic', 'true', { timeout: 30_000 });
  await expect(byFile.getByTestId('verify-number')).toHaveText(issued.numberText);

  // One byte changed: not authentic.
  const changed = Buffer.from(bytes);
  changed[Math.floor(changed.length / 3)] ^= 0x20;
  const tampered = join(dir, 'tampered.pdf');
  writeFileSync(tampered, changed);
  await page.getByTestId('verify-file').setInputFiles(tampered);
  await expect(byFile).toHaveAttribute('data-authentic', 'false', { timeout: 30_000 });
  await expect(byFile).toContainText('Không xác thực');
  await shots(page, testInfo, 'file-not-authentic');

  // A code typed wrong: the one answer for unknown codes.
  await page.goto('/xac-minh');
  await page.getByTestId('verify-code-input').fill('7k3m q9xd 2fhb');
  await page.getByTestId('verify-code-submit').click();
  await expect(page).toHaveURL(/\/xac-minh\/7K3M-Q9XD-2FHB$/);
  await expect(page.getByTestId('verify-missing')).toContainText('Không tìm thấy văn bản');
  await shots(page, testInfo, 'unknown');

  // The sign-in page links here.
  await page.goto('/dang-nhap');
  await page.getByTestId('login-verify-link').click();
  await expect(page.getByTestId('verify-code-input')).toBeVisible();

  await anyone.close();
  await clerk.context.close();
  for (const c of issued.contexts) await c.close();
});

/** The PNG pdftoppm wrote for `prefix` (it appends the page number). */
function readdirPng(dir: string, prefix: string): string {
  const name = readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.png'));
  expect(name).toBeTruthy();
  return join(dir, name!);
}
