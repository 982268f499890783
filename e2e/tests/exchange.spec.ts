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
