import { expect, Browser, BrowserContext, Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PASSWORD, signIn } from './helpers';

// The steps several journeys share: people in their own browser contexts (desktop or phone), their keys, and a
// document of Sở Nội vụ drafted, signed and issued to other agencies.

export const ROOT = join(__dirname, '..', '..');
export const CORPUS = join(ROOT, 'shared', 'tests', 'corpus');
export const PKI = join(__dirname, '..', 'artifacts', 'pki');
export const SEAL_PNG = join(ROOT, 'shared', 'tests', 'assets', 'con-dau-demo.png');
export const P12_PIN = '246810';
export const KEY_PIN = '135790';

export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

export async function person(browser: Browser, username: string, phone = false): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(phone ? PHONE : { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, username, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Xin chào/ })).toBeVisible();
  return { context, page };
}

/** Imports a demo PKCS#12 into this browser's key store (kept encrypted under a new PIN). */
export async function importKey(page: Page, file: string, name: RegExp) {
  await page.goto('/ky-so');
  await page.getByTestId('tab-keys').click();
  await page.getByTestId('p12-file').setInputFiles(join(PKI, file));
  await page.getByTestId('p12-pin').fill(P12_PIN);
  await page.getByTestId('p12-new-pin').fill(KEY_PIN);
  await page.getByTestId('p12-new-pin2').fill(KEY_PIN);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('keys-notice')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('key-item').filter({ hasText: name })).toBeVisible();
}

/** Picks the option of a select whose text contains `text`. */
export async function choose(page: Page, testid: string, text: string) {
  const value = await page.getByTestId(testid).locator('option', { hasText: text }).first().getAttribute('value');
  await page.getByTestId(testid).selectOption(value!);
}

export async function openDocument(page: Page, id: string) {
  await page.goto(`/van-ban-di/${id}`);
  await expect(page.getByTestId('document-page')).toBeVisible({ timeout: 30_000 });
}

/** Drafts and submits a document through the API, as the signed-in `page` (CSRF from /api/me). */
export async function draftThroughApi(page: Page, subject: string, recipientCodes: string[] = ['000.00.00.H62']): Promise<number> {
  const me = await (await page.request.get('/api/me')).json();
  const headers = { 'x-csrf-token': me.csrf_token };
  const pdf = readFileSync(join(CORPUS, 'lo-quyet-dinh-17p.pdf'));
  const sha = createHash('sha256').update(pdf).digest('hex');
  expect((await page.request.put(`/api/blobs/${sha}`, { data: pdf, headers: { ...headers, 'content-type': 'application/pdf' } })).status()).toBe(200);
  const people = (await (await page.request.get('/api/colleagues')).json()).users;
  const leader = people.find((u: { username: string }) => u.username === 'lanhdao.snv');
  const register = (await (await page.request.get('/api/registers')).json()).find((r: { direction: string }) => r.direction === 'outgoing');
  const agencies = (await (await page.request.get('/api/agencies')).json()) as { id: number; code: string }[];
  const recipients = recipientCodes.map((code) => agencies.find((a) => a.code === code)!.id);
  const created = await page.request.post('/api/outgoing', {
    headers,
    data: {
      doc_type: 'quyet_dinh', subject, urgency: 'normal', signer_id: leader.id, signing_capacity: 'direct',
      register_id: register.id, internal_recipients: recipients, reviewers: [],
      main_file: { sha256: sha, name: 'quyet-dinh.pdf' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id = (await created.json()).id;
  expect((await page.request.post(`/api/outgoing/${id}/submit`, { headers, data: {} })).status()).toBe(200);
  return id;
}

/** Sở Nội vụ drafts (through the API), its director signs and its clerk numbers, seals and issues (in their
 * browsers): the document arrives at the agencies with `recipientCodes`. Answers its id and number. */
export async function issuedBySnv(browser: Browser, subject: string, recipientCodes: string[]): Promise<{ id: number; numberText: string; contexts: BrowserContext[] }> {
  const official = await person(browser, 'chuyenvien1.snv');
  const id = await draftThroughApi(official.page, subject, recipientCodes);
  const leader = await person(browser, 'lanhdao.snv');
  await importKey(leader.page, 'lanhdao.snv.p12', /Lê Văn Hùng/);
  await openDocument(leader.page, String(id));
  await expect(leader.page.getByTestId('sign-task')).toBeVisible({ timeout: 30_000 });
  await leader.page.getByTestId('sign-pin').fill(KEY_PIN);
  await leader.page.getByTestId('action-sign').click();
  await expect(leader.page.getByTestId('doc-status')).toContainText('Chờ phát hành', { timeout: 90_000 });
  const clerk = await person(browser, 'vanthu.snv');
  await importKey(clerk.page, 'dau.snv.p12', /Sở Nội vụ/);
  await openDocument(clerk.page, String(id));
  await expect(clerk.page.getByTestId('issue-task')).toBeVisible({ timeout: 30_000 });
  // The seal image first, while the worker is still reading the keys and drawing the pages.
  await clerk.page.getByTestId('seal-image').setInputFiles(SEAL_PNG);
  await clerk.page.getByTestId('action-reserve').click();
  const numberText = (await clerk.page.getByTestId('held-number-text').textContent({ timeout: 30_000 }))!.trim();
  await sealAndIssue(clerk.page, true);
  return { id, numberText, contexts: [official.context, leader.context, clerk.context] };
}

/** The clerk chooses the seal image, gives the PIN and issues, once the number is held. The image is chosen
 * as soon as the panel shows, often before the worker has read the seal key: it must survive the key's arrival
 * (it once did not, and issuing asked for the image again). */
export async function sealAndIssue(page: Page, imageChosen = false) {
  if (!imageChosen) await page.getByTestId('seal-image').setInputFiles(SEAL_PNG);
  await expect(page.getByTestId('seal-image-ready')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('action-issue')).toHaveText('Đóng dấu và phát hành', { timeout: 60_000 });
  await expect(page.getByTestId('seal-image-ready')).toBeVisible();
  await page.getByTestId('seal-pin').fill(KEY_PIN);
  await page.getByTestId('action-issue').click();
  await expect(page.getByTestId('doc-status')).toContainText('Đã phát hành', { timeout: 90_000 });
}
