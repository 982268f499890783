import { test, expect, Page } from '@playwright/test';
import { snap } from './helpers';
import { draftThroughApi, openDocument, person } from './journey';

// Ký số từ xa on a phone, against the demo CSC API v2 provider that start-server.sh runs (`vanban csc serve`):
// the Sở Nội vụ director registers their remote credential (approving on the provider's "app", its phone page),
// signs a document with it, and refuses a second request, which leaves that document waiting. The key is never
// in the browser: the page computes the hash, the provider signs it once approved, the server checks the
// signature as any other.

test.use({ actionTimeout: 30_000 });
const PROVIDER = `http://127.0.0.1:${process.env.VANBAN_E2E_CSC_PORT ?? '18319'}`;

/** The provider's app: waits for the request on the director's phone page and taps the button. */
async function onPhone(phone: Page, button: 'Đồng ý ký' | 'Từ chối', shows: RegExp) {
  await expect(async () => {
    await phone.goto(`${PROVIDER}/phone/lanhdao.snv`);
    await expect(phone.getByText(shows)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await phone.getByRole('button', { name: button }).first().click();
}

test('a leader registers a remote credential and signs on the phone; a refusal changes nothing', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey, in its own phone context');
  test.setTimeout(240_000);
  const official = await person(browser, 'chuyenvien1.snv');
  const first = await draftThroughApi(official.page, 'Quyết định ký số từ xa thử nghiệm');
  const second = await draftThroughApi(official.page, 'Quyết định sẽ bị từ chối ký');

  const leader = await person(browser, 'lanhdao.snv', true);
  const phone = await leader.context.newPage();
  // Keys page: the identifier is the demo's (the user name); the credential is not registered yet.
  await leader.page.goto('/ky-so');
  await leader.page.getByTestId('tab-keys').click();
  await expect(leader.page.getByTestId('remote-id')).toHaveValue('lanhdao.snv', { timeout: 30_000 });
  await expect(leader.page.getByTestId('remote-credential')).toContainText('Lê Văn Hùng');
  await leader.page.getByTestId('remote-register').click();
  await onPhone(phone, 'Đồng ý ký', /Đăng ký chứng thư số cho tài khoản lanhdao\.snv/);
  await expect(leader.page.getByTestId('remote-notice')).toContainText('Đã đăng ký', { timeout: 30_000 });
  await expect(leader.page.getByTestId('remote-registered')).toBeVisible();
  await snap(leader.page, testInfo, 'remote-keys-360');

  // Signing the first document remotely.
  await openDocument(leader.page, String(first));
  await expect(leader.page.getByTestId('sign-task')).toBeVisible({ timeout: 30_000 });
  await leader.page.getByTestId('sign-how-remote').check();
  await expect(leader.page.getByTestId('sign-pin')).toBeHidden();
  await expect(leader.page.getByTestId('action-sign')).toHaveText('Ký số từ xa');
  await snap(leader.page, testInfo, 'remote-sign-360');
  await leader.page.getByTestId('action-sign').click();
  await onPhone(phone, 'Đồng ý ký', /Ký văn bản: Quyết định ký số từ xa thử nghiệm/);
  await expect(leader.page.getByTestId('doc-status')).toContainText('Chờ phát hành', { timeout: 90_000 });

  // The second is refused on the phone: the reason shows and the document still waits for the signature.
  await openDocument(leader.page, String(second));
  await expect(leader.page.getByTestId('sign-task')).toBeVisible({ timeout: 30_000 });
  await leader.page.getByTestId('sign-how-remote').check();
  await leader.page.getByTestId('action-sign').click();
  await onPhone(phone, 'Từ chối', /Ký văn bản: Quyết định sẽ bị từ chối ký/);
  await expect(leader.page.getByTestId('sign-error')).toContainText('từ chối', { timeout: 30_000 });
  await expect(leader.page.getByTestId('doc-status')).toContainText('Chờ ký');
  await snap(leader.page, testInfo, 'remote-refused-360');

  // The signed one: the server's verdict names the director's certificate, valid.
  const me = await (await official.page.request.get(`/api/outgoing/${first}`)).json();
  expect(me.status).toBe('awaiting_issue');
  await leader.context.close();
  await official.context.close();
});
