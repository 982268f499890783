import { expect, test, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_PASSWORD, openNav, signIn, snap } from './helpers';

// The signing page in a real browser: the worker verifies, keeps keys in IndexedDB, renders the page for placing
// the signature, and signs; the PDFs it produces are judged by the CLI verifier and by poppler's pdfsig.

const ROOT = resolve(__dirname, '..', '..');
const BIN = process.env.VANBAN_BIN ?? join(ROOT, 'target', 'debug', 'vanban');
const PKI = join(ROOT, 'e2e', 'artifacts', 'pki');
const CORPUS = join(ROOT, 'shared', 'tests', 'corpus');
const PIN = '246810';
// The e2e server's time-stamping authority (start-server.sh).
const TSA = `http://127.0.0.1:${process.env.VANBAN_E2E_TSA_PORT ?? '18318'}/`;

function vanban(args: string[]): string {
  return execFileSync(BIN, args, { encoding: 'utf8' });
}

function verifyJson(file: string): any[] {
  try {
    return JSON.parse(vanban(['pdf', 'verify', file, '--trust', join(PKI, 'ca', 'ca.pem'), '--json']));
  } catch (e: any) {
    return JSON.parse(e.stdout);
  }
}

function pdfsigValid(file: string): number {
  const out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
  return (out.match(/Signature is Valid\./g) ?? []).length;
}

async function openSigning(page: Page) {
  await signIn(page, 'lanhdao.ubnd', DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: /Xin chào/ })).toBeVisible();
  await openNav(page);
  await page.getByTestId('nav-signing').click();
  await expect(page.getByRole('heading', { name: 'Chữ ký số' })).toBeVisible();
}

async function importLeaderKey(page: Page) {
  await page.getByTestId('tab-keys').click();
  await expect(page.getByTestId('device-warning')).toContainText('không thể khôi phục');
  await page.getByTestId('p12-file').setInputFiles(join(PKI, 'leader.p12'));
  await page.getByTestId('p12-pin').fill(PIN);
  await page.getByTestId('p12-new-pin').fill('135790');
  await page.getByTestId('p12-new-pin2').fill('135790');
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('keys-notice')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('key-item').first()).toContainText('Trần Văn Lãnh Đạo');
}

test('the verification panel shows a trusted signature green, a changed byte red, an unknown CA amber', async ({ page }, testInfo) => {
  const dir = mkdtempSync(join(tmpdir(), 'vanban-e2e-'));
  const signed = join(dir, 'da-ky.pdf');
  vanban(['pdf', 'sign', join(CORPUS, 'lo-quyet-dinh-17p.pdf'), signed, '--p12', join(PKI, 'leader.p12'), '--pin', PIN,
    '--rect', '320,90,200,60']);
  const tampered = join(dir, 'bi-sua.pdf');
  const bytes = readFileSync(signed);
  bytes[Math.floor(bytes.length / 3)] ^= 1;
  writeFileSync(tampered, bytes);

  await openSigning(page);
  await page.getByTestId('verify-file').setInputFiles(signed);
  await expect(page.getByTestId('file-hash')).toContainText('SHA-256');
  const card = page.getByTestId('signature-card');
  await expect(card).toHaveAttribute('data-level', 'ok', { timeout: 30_000 });
  await expect(card.getByTestId('signature-verdict')).toHaveText('Hợp lệ');
  await expect(card.getByTestId('signature-signer')).toHaveText('Trần Văn Lãnh Đạo');
  await expect(card.getByTestId('signature-modification')).toHaveAttribute('data-modification', 'none');
  await expect(card.getByTestId('signature-timestamp')).toHaveAttribute('data-level', 'B-B');
  await snap(page, testInfo, 'signing-verify-ok');

  // With a signature timestamp from the server's TSA, the panel says who vouches for the signing time.
  const stamped = join(dir, 'co-dau-thoi-gian.pdf');
  vanban(['pdf', 'sign', join(CORPUS, 'lo-quyet-dinh-17p.pdf'), stamped, '--p12', join(PKI, 'leader.p12'), '--pin', PIN,
    '--rect', '320,90,200,60', '--tsa', TSA]);
  await page.getByTestId('verify-file').setInputFiles(stamped);
  const stamp = page.getByTestId('signature-timestamp');
  await expect(stamp).toHaveAttribute('data-level', 'B-T', { timeout: 30_000 });
  await expect(stamp).toContainText('Thời điểm ký được chứng thực bởi Dịch vụ cấp dấu thời gian vanban');
  await expect(page.getByTestId('signature-verdict')).toHaveText('Hợp lệ');

  await page.getByTestId('verify-file').setInputFiles(tampered);
  await expect(page.getByTestId('signature-card')).toHaveAttribute('data-level', 'bad', { timeout: 30_000 });
  await expect(page.getByTestId('signature-verdict')).toHaveText('Không hợp lệ');
  await snap(page, testInfo, 'signing-verify-bad');

  // Signed elsewhere (pyHanko, a CA the province does not trust): intact but amber.
  await page.getByTestId('verify-file').setInputFiles(join(CORPUS, 'signed-pyhanko.pdf'));
  await expect(page.getByTestId('signature-card')).toHaveAttribute('data-level', 'warn', { timeout: 30_000 });
  await expect(page.getByTestId('signature-card')).toContainText('không thuộc tổ chức chứng thực');
});

test('a leader imports a PKCS#12, places the signature on the rendered page and signs in the browser', async ({ page }, testInfo) => {
  await openSigning(page);
  await importLeaderKey(page);
  await snap(page, testInfo, 'signing-keys');

  await page.getByTestId('tab-sign').click();
  await page.getByTestId('sign-file').setInputFiles(join(CORPUS, 'lo-cong-van-18p.pdf'));
  await expect(page.getByTestId('page-indicator')).toHaveText('Trang 1/18', { timeout: 30_000 });
  const box = page.getByTestId('placement-box');
  await expect(box).toBeVisible({ timeout: 30_000 });
  // The page is rendered (the canvas has its pixels) before the box is moved.
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('preview-canvas')).not.toHaveAttribute('width', '300');
  await box.scrollIntoViewIfNeeded();
  // Drag the box, then make it larger, with the pointer (mouse on desktop, touch-emulated on the phone).
  const before = await box.boundingBox();
  await page.mouse.move(before!.x + 20, before!.y + 10);
  await page.mouse.down();
  await page.mouse.move(before!.x - 30, before!.y - 40, { steps: 5 });
  await page.mouse.up();
  const handle = await page.getByTestId('placement-resize').boundingBox();
  await page.mouse.move(handle!.x + handle!.width / 2, handle!.y + handle!.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle!.x + 25, handle!.y + 15, { steps: 5 });
  await page.mouse.up();
  const after = await box.boundingBox();
  expect(Math.abs(after!.x - before!.x)).toBeGreaterThan(10);
  const coords = (await page.getByTestId('placement-coords').textContent())!;
  const m = coords.match(/x=(-?\d+), y=(-?\d+), rộng (\d+), cao (\d+)/)!;
  const [x, y, w, h] = m.slice(1).map(Number);
  await snap(page, testInfo, 'signing-placement');
  // Turning the device re-renders the page at the new width; the placement stays on the same spot of the page.
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: viewport.height, height: viewport.width });
  await expect(page.getByTestId('placement-coords')).toHaveText(coords);
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 30_000 });
  await page.setViewportSize(viewport);
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('placement-coords')).toHaveText(coords);

  await page.getByTestId('sign-text').fill('Trần Văn Lãnh Đạo');
  // The final appearance, drawn by the core and rendered by the worker, replaces the box until it is moved again.
  await page.getByTestId('preview-button').click();
  await expect(page.getByTestId('preview-back')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('placement-box')).toHaveCount(0);
  // (Not a full-page snapshot: that resizes the viewport, and a resize re-renders the plain page.)
  await page.screenshot({ path: `artifacts/screenshots/${testInfo.project.name}-signing-appearance-preview.png` });
  await page.getByTestId('preview-back').click();
  await expect(page.getByTestId('placement-box')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('sign-pin').fill('000000');
  await page.getByTestId('sign-submit').click();
  await expect(page.getByTestId('sign-error')).toContainText('Mã PIN không đúng', { timeout: 60_000 });

  await page.getByTestId('sign-pin').fill('135790');
  const downloading = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByTestId('sign-submit').click();
  const download = await downloading;
  const out = join(mkdtempSync(join(tmpdir(), 'vanban-e2e-')), 'signed.pdf');
  await download.saveAs(out);
  await expect(page.getByTestId('sign-done')).toBeVisible();

  const reports = verifyJson(out);
  expect(reports).toHaveLength(1);
  expect(reports[0].ok).toBe(true);
  expect(reports[0].signer).toBe('Trần Văn Lãnh Đạo');
  expect(pdfsigValid(out)).toBe(1);
  // The widget sits exactly where the box was placed (page 1 is upright: user space = displayed space).
  const json = JSON.parse(execFileSync('qpdf', ['--json', out], { encoding: 'utf8' }));
  const widgets = Object.values<any>(json.qpdf[1]).filter((o: any) => o.value?.['/FT'] === '/Sig');
  const rect: number[] = widgets[widgets.length - 1].value['/Rect'];
  for (const [got, want] of [[rect[0], x], [rect[1], y], [rect[2], x + w], [rect[3], y + h]]) {
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1.5);
  }
});

test('a key generated in the browser gets its certificate from the CA and signs', async ({ page }, testInfo) => {
  await openSigning(page);
  await page.getByTestId('tab-keys').click();
  await page.getByTestId('gen-name').fill('Phạm Thị Chuyên Viên');
  await page.getByTestId('gen-org').fill('Sở Nội vụ tỉnh Vĩnh Long');
  await page.getByTestId('gen-pin').fill('864200');
  await page.getByTestId('gen-pin2').fill('864200');
  const downloading = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByTestId('generate-submit').click();
  const csrDownload = await downloading;
  const dir = mkdtempSync(join(tmpdir(), 'vanban-e2e-'));
  const csr = join(dir, 'request.csr');
  await csrDownload.saveAs(csr);
  expect(readFileSync(csr, 'utf8')).toContain('BEGIN CERTIFICATE REQUEST');
  await expect(page.getByTestId('key-item').filter({ hasText: 'Chờ chứng thư số' })).toBeVisible();

  // The agency CA answers the request; the private key never left the browser.
  const cert = join(dir, 'cert.pem');
  vanban(['pki', 'sign-csr', '--ca', join(PKI, 'ca'), '--csr', csr, '--out', cert]);
  await page.getByTestId('attach-certificate').setInputFiles(cert);
  await expect(page.getByTestId('keys-notice')).toContainText('sẵn sàng để ký');
  await expect(page.getByTestId('key-item').filter({ hasText: 'Phạm Thị Chuyên Viên' })).toContainText('hiệu lực đến');
  await snap(page, testInfo, 'signing-generated-key');

  await page.getByTestId('tab-sign').click();
  const input = join(dir, 'in.pdf');
  copyFileSync(join(CORPUS, 'rotated-90.pdf'), input);
  await page.getByTestId('sign-file').setInputFiles(input);
  await expect(page.getByTestId('placement-box')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('sign-key').selectOption({ label: 'Phạm Thị Chuyên Viên' });
  await page.getByTestId('sign-pin').fill('864200');
  const signedDownload = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByTestId('sign-submit').click();
  const out = join(dir, 'signed.pdf');
  await (await signedDownload).saveAs(out);
  const reports = verifyJson(out);
  expect(reports[0].ok).toBe(true);
  expect(reports[0].signer).toBe('Phạm Thị Chuyên Viên');
  expect(pdfsigValid(out)).toBe(1);
});

/** A real document grown to 200 MB by an incremental update holding one large stream (as a big scan would). */
function bigPdf(dir: string): string {
  const base = readFileSync(join(CORPUS, 'lo-cong-van-18p.pdf'));
  const text = base.toString('latin1');
  const startxref = Number(text.slice(text.lastIndexOf('startxref') + 9).trim().split(/\s+/)[0]);
  const trailer = text.slice(text.lastIndexOf('trailer'));
  const root = trailer.match(/\/Root\s+(\d+\s+\d+\s+R)/)![1];
  const size = Number(trailer.match(/\/Size\s+(\d+)/)![1]);
  const payload = Buffer.alloc(200 * 1024 * 1024, 0x41);
  const head = Buffer.from(`\n${size} 0 obj\n<</Length ${payload.length}>>\nstream\n`, 'latin1');
  const objectOffset = base.length + 1;
  const tailStart = base.length + head.length + payload.length;
  const tail = `\nendstream\nendobj\n`;
  const xrefOffset = tailStart + tail.length;
  const xref =
    `xref\n${size} 1\n${String(objectOffset).padStart(10, '0')} 00000 n\r\n` +
    `trailer\n<</Size ${size + 1} /Root ${root} /Prev ${startxref}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  const path = join(dir, 'lon-200mb.pdf');
  writeFileSync(path, Buffer.concat([base, head, payload, Buffer.from(tail + xref, 'latin1')]));
  return path;
}

test('a 200 MB document is signed and verified in the browser in bounded memory', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'memory does not depend on the screen size');
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'vanban-e2e-'));
  const big = bigPdf(dir);
  await openSigning(page);
  await importLeaderKey(page);
  await page.getByTestId('tab-sign').click();
  await page.getByTestId('sign-file').setInputFiles(big);
  // Too large to draw: an outline of the page, and the box still works.
  await expect(page.getByTestId('sign-notice')).toContainText('không vẽ trước trang', { timeout: 60_000 });
  await expect(page.getByTestId('placement-box')).toBeVisible();
  const result = await page.evaluate(async () => {
    const input = document.querySelector('[data-testid=sign-file]') as HTMLInputElement;
    const file = input.files![0];
    const worker = new Worker('/vanban_worker_loader.js');
    await new Promise<void>((ok) => (worker.onmessage = (e) => e.data.id === 0 && ok()));
    let next = 1;
    // The typed protocol of shared/src/worker_protocol.rs, spoken by hand.
    const call = (request: object, blob?: Blob) =>
      new Promise<any>((ok, fail) => {
        const id = next++;
        worker.onmessage = (e) => {
          if (e.data.id !== id) return;
          const message = JSON.parse(e.data.message);
          if (message.kind === 'progress') return;
          message.kind === 'reply' ? ok({ body: message.body.body, bytes: e.data.bytes }) : fail(message.body);
        };
        worker.postMessage({ id, request: JSON.stringify(request), file: blob });
      });
    const keys = (await call({ op: 'list_keys' })).body;
    const signed = await call(
      { op: 'sign', key_id: keys[0].id, pin: '135790', kind: 'signer', page: 0, rect: [300, 80, 200, 60], text: 'Trần Văn Lãnh Đạo' },
      file,
    );
    const whole = new Blob([file, signed.bytes]);
    const reports = (await call({ op: 'verify', trust: [] }, whole)).body;
    const memory = (await call({ op: 'memory' })).body.wasm_memory_bytes;
    worker.terminate();
    return { size: whole.size, reports, memory };
  });
  expect(result.size).toBeGreaterThan(200 * 1024 * 1024);
  expect(result.reports).toHaveLength(1);
  expect(result.reports[0].valid).toBe(true);
  expect(result.reports[0].modification).toBe('none');
  console.log(`200 MB: signed and verified; the worker's WASM memory peaked at ${(result.memory / 1048576).toFixed(1)} MiB`);
  // Argon2id alone takes 64 MiB to open the key; the file is never held whole (that would take over 200 MiB).
  expect(result.memory).toBeLessThan(120 * 1024 * 1024);
});
