import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectNoHorizontalOverflow, signIn, snap } from './helpers';

// Each viewport configures its own peer (by name and organ id), so the two projects never collide on the shared
// demo database.
const plan = {
  desktop: { name: 'Bộ Nội vụ (e2e)', organ: '000.00.00.G09', key: 'e2e-desktop' },
  phone: { name: 'Bộ Tư pháp (e2e)', organ: '000.00.00.G10', key: 'e2e-phone' },
} as const;

test('the provincial administrator configures a peer of the exchange and sees its packets', async ({ page }, testInfo) => {
  const p = plan[testInfo.project.name as keyof typeof plan];
  await page.goto('/dang-nhap');
  await signIn(page, 'admin', DEMO_PASSWORD);
  await page.getByTestId('home-admin-link').click();
  await page.getByTestId('admin-tab-exchange').click();
  await expect(page).toHaveURL(/\/quan-tri\/lien-thong$/);
  await expect(page.getByTestId('peer-form')).toBeVisible();

  await page.getByTestId('peer-name').fill(p.name);
  await page.getByTestId('peer-endpoint').fill('http://127.0.0.1:9');
  await page.getByTestId('peer-key-id').fill(p.key);
  // A short secret is refused with the server's sentence.
  await page.getByTestId('peer-secret').fill('ngắn');
  await page.getByTestId('peer-organs').fill(p.organ);
  await page.getByTestId('peer-save').click();
  await expect(page.getByTestId('peer-error')).toContainText('Khóa bí mật dài ít nhất 16 ký tự');

  await page.getByTestId('peer-secret').fill('khóa bí mật dùng chung của hai hệ thống');
  await page.getByTestId('peer-save').click();
  const row = page.locator('[data-testid="peer-row"]', { hasText: p.name });
  await expect(row).toContainText(p.organ);
  await expect(row).toContainText('Đang bật');
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '01-quan-tri-lien-thong');

  // Changing the peer does not need its secret again.
  await row.getByRole('button', { name: 'Sửa' }).click();
  await expect(page.getByTestId('peer-name')).toHaveValue(p.name);
  await expect(page.getByTestId('peer-secret')).toHaveValue('');
  await page.getByTestId('peer-endpoint').fill('http://127.0.0.1:10');
  await page.getByTestId('peer-save').click();
  await expect(row).toContainText('http://127.0.0.1:10');
  await expect(page.getByTestId('peer-error')).toHaveCount(0);
});

// A document from another system arrives through an exchange folder (the hand-carried exchange): the provincial
// administrator configures the folder, a packet of the government office is dropped into its `in`, the
// province's clerk finds it in "Chờ vào sổ" with the exchange named as its sender's channel and returns it with a
// reason, and the 02 status packet is written to the folder's `out` for the sender.
test('a document dropped into an exchange folder reaches the clerk, and her return goes back as a status packet', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const project = testInfo.project.name;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vanban-e2e-${project}-`));
  fs.mkdirSync(path.join(dir, 'in'));
  const organ = project === 'desktop' ? '000.00.00.G22' : '000.00.00.G23';
  const number = String(Date.now() % 100000);
  const subject = `Về việc thử liên thông qua thư mục (${project} ${number})`;

  await signIn(page, 'admin', DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Xin chào/ })).toBeVisible();
  await page.goto('/quan-tri/lien-thong');
  await page.getByTestId('peer-name').fill(`Văn phòng Chính phủ (thư mục ${project})`);
  await page.getByTestId('peer-kind').selectOption('folder');
  await page.getByTestId('peer-endpoint').fill(dir);
  await page.getByTestId('peer-key-id').fill(`e2e-folder-${project}`);
  await page.getByTestId('peer-secret').fill('khóa bí mật của thư mục trao đổi');
  await page.getByTestId('peer-organs').fill(organ);
  await page.getByTestId('peer-save').click();
  await expect(page.locator('[data-testid="peer-row"]', { hasText: `thư mục ${project}` })).toContainText('folder');

  // The packet of the government office (a VPCP SDK sample), made unique for this run.
  const fixture = path.join(__dirname, '../../edxml/tests/packets/vpcp-sdk-document.edxml');
  const packet = fs
    .readFileSync(fixture, 'utf8')
    .replaceAll('7816/VPCP-TTĐT', `${number}/VPCP-TTĐT`)
    .replace('<edXML:CodeNumber>7816</edXML:CodeNumber>', `<edXML:CodeNumber>${number}</edXML:CodeNumber>`)
    .replace('V/v triển khai liên thông văn bản điện tử &amp; gửi nhận qua Trục', subject);
  fs.writeFileSync(path.join(dir, 'in', `${number}.edxml`), packet);

  // The province's clerk finds it waiting (the server reads the folder every 2 s).
  await page.context().clearCookies();
  await signIn(page, 'vanthu.ubnd', DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Xin chào/ })).toBeVisible();
  const row = page.getByTestId('incoming-row').filter({ hasText: subject });
  await expect(async () => {
    await page.goto('/van-ban-den?muc=to_register');
    await expect(row).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await row.getByTestId('incoming-link').click();
  await expect(page.getByTestId('incoming-page')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('incoming-page')).toContainText(`${number}/VPCP-TTĐT`);
  await expect(page.getByTestId('incoming-page')).toContainText('Trục liên thông (Văn phòng Chính phủ');
  await expectNoHorizontalOverflow(page);
  await snap(page, testInfo, '02-van-ban-den-lien-thong');

  // She returns it with a reason: 02 goes back as a status packet into the folder's `out`.
  await page.getByTestId('action-return-open').click();
  await page.getByTestId('return-reason').fill('Văn bản không thuộc thẩm quyền xử lý của Ủy ban nhân dân tỉnh.');
  await page.getByTestId('action-return').click();
  await expect(page.getByTestId('doc-status')).toHaveAttribute('data-status', 'returned', { timeout: 30_000 });
  await expect(async () => {
    const out = path.join(dir, 'out');
    const files = fs.existsSync(out) ? fs.readdirSync(out).filter((f: string) => f.endsWith('.edxml')) : [];
    const statuses = files.map((f: string) => fs.readFileSync(path.join(out, f), 'utf8'));
    expect(statuses.some((s: string) => s.includes('<edXML:StatusCode>02</edXML:StatusCode>') && s.includes(`${number}/VPCP-TTĐT`))).toBe(true);
  }).toPass({ timeout: 30_000 });
  // The packet file itself was taken in.
  expect(fs.existsSync(path.join(dir, 'in', 'done', `${number}.edxml`))).toBe(true);
});
