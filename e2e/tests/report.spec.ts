import { test, expect, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoHorizontalOverflow, openNav } from './helpers';
import { CORPUS, person } from './journey';

// The six-month report (Điều 24): Sở Nội vụ's clerk registers documents received by e-mail and on paper and
// its director assigns one (through the API); the director opens "Báo cáo", sees the same numbers as the JSON
// answer with the charts, switches the period by a preset, and downloads the PDF (qpdf, pdftotext) and the
// Excel file (openpyxl) with the same numbers. The page is photographed at 360, 768 and 1366 px.

const PYTHON = process.env.VANBAN_JUDGES_PYTHON ?? '/root/.cache/vanban/judges-venv/bin/python';

async function shots(page: Page, testInfo: TestInfo, name: string) {
  for (const [width, height] of [[360, 740], [768, 1024], [1366, 900]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(200);
    await expectNoHorizontalOverflow(page);
    const path = `artifacts/screenshots/report-${name}-${width}.png`;
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${name}-${width}`, { path, contentType: 'image/png' });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** The current half-year in Vietnam, as the page chooses it by default. */
function currentHalf(): { from: string; to: string } {
  const now = new Date(Date.now() + 7 * 3600 * 1000);
  const y = now.getUTCFullYear();
  return now.getUTCMonth() < 6 ? { from: `${y}-01-01`, to: `${y}-06-30` } : { from: `${y}-07-01`, to: `${y}-12-31` };
}

test('a leader reads the six-month report with its charts and downloads it as PDF and Excel', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one journey; the page is photographed at three widths');
  test.setTimeout(180_000);

  // The clerk registers three documents (two by e-mail, one on paper) and hands one to the director.
  const clerk = await person(browser, 'vanthu.snv');
  const me = await (await clerk.page.request.get('/api/me')).json();
  const headers = { 'x-csrf-token': me.csrf_token };
  const pdf = readFileSync(join(CORPUS, 'lo-quyet-dinh-17p.pdf'));
  const sha = createHash('sha256').update(pdf).digest('hex');
  expect((await clerk.page.request.put(`/api/blobs/${sha}`, { data: pdf, headers: { ...headers, 'content-type': 'application/pdf' } })).status()).toBe(200);
  const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
  const ids: number[] = [];
  for (const [channel, docType] of [['email', 'cong_van'], ['email', 'thong_bao'], ['paper', 'quyet_dinh']]) {
    const r = await clerk.page.request.post('/api/incoming', {
      headers,
      data: {
        channel, sender_name: 'UBND huyện Long Hồ', code_text: `${ids.length + 1}/UBND-VP`, issued_date: today,
        doc_type: docType, subject: 'Về việc báo cáo tình hình gửi, nhận văn bản điện tử', urgency: 'normal',
        main_file: { sha256: sha, name: 'van-ban.pdf' },
      },
    });
    expect(r.status(), await r.text()).toBe(201);
    ids.push((await r.json()).id);
  }
  const people = (await (await clerk.page.request.get('/api/colleagues')).json()).users as { id: number; username: string }[];
  const director = people.find((u) => u.username === 'lanhdao.snv')!;
  const official = people.find((u) => u.username === 'chuyenvien1.snv')!;
  const accepted = await clerk.page.request.post(`/api/incoming/${ids[0]}/accept`, {
    headers, data: { forward_to: director.id, override_reason: 'Bản giấy gốc đã nhận, nội dung khớp.' },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);

  const { context, page } = await person(browser, 'lanhdao.snv');
  const leaderMe = await (await page.request.get('/api/me')).json();
  const due = new Date(Date.now() + 7 * 3600 * 1000 + 3 * 86400_000).toISOString().slice(0, 10);
  const assigned = await page.request.post(`/api/incoming/${ids[0]}/assign`, {
    headers: { 'x-csrf-token': leaderMe.csrf_token },
    data: { instruction: 'Tham mưu trả lời.', due_date: due, targets: [{ role: 'lead', to: { kind: 'user', id: official.id } }] },
  });
  expect(assigned.status(), await assigned.text()).toBe(200);

  // "Báo cáo" is in the director's navigation; the page opens on the current half-year.
  await openNav(page);
  await page.getByTestId('nav-report').click();
  await expect(page.getByTestId('report-page')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Báo cáo', exact: true })).toBeVisible();
  const half = currentHalf();
  await expect(page.getByTestId('report-from')).toHaveValue(half.from);
  await expect(page.getByTestId('report-to')).toHaveValue(half.to);
  const json = await (await page.request.get(`/api/reports/summary?from=${half.from}&to=${half.to}`)).json();
  expect(json.incoming.total).toBeGreaterThanOrEqual(3);
  expect(json.handling_total.assigned).toBeGreaterThanOrEqual(1);

  // The same numbers on the page, with the charts.
  await expect(page.getByTestId('stat-incoming')).toHaveText(String(json.incoming.total));
  await expect(page.getByTestId('stat-outgoing')).toHaveText(String(json.outgoing.total));
  await expect(page.getByTestId('report-total-incoming')).toHaveText(String(json.incoming.total));
  const forms = json.incoming.forms as { form: string; count: number }[];
  for (const f of forms) {
    await expect(page.getByTestId(`form-incoming-${f.form}`).locator('b')).toHaveText(String(f.count));
  }
  const channels = json.incoming.channels as { channel: string; count: number }[];
  for (const c of channels) {
    await expect(page.getByTestId(`channel-incoming-${c.channel}`)).toHaveAttribute('data-value', String(c.count));
  }
  await expect(page.getByTestId('chart-forms-incoming')).toBeVisible();
  await expect(page.getByTestId('chart-forms-incoming').locator('circle.rp-arc')).not.toHaveCount(0);
  await expect(page.getByTestId('chart-channels-incoming')).toBeVisible();
  await expect(page.getByTestId('chart-types')).toBeVisible();
  const unitRow = page.getByTestId('handling-row').first();
  await expect(unitRow).toBeVisible();
  await expect(page.getByTestId('handling-total').getByTestId('handling-assigned')).toHaveText(String(json.handling_total.assigned));
  await shots(page, testInfo, 'half');

  // The files: the same numbers, read by independent tools.
  const dir = mkdtempSync(join(tmpdir(), 'vanban-report-'));
  const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-pdf').click()]);
  const pdfPath = join(dir, 'bao-cao.pdf');
  await pdfDownload.saveAs(pdfPath);
  expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
  execFileSync('qpdf', ['--check', pdfPath]);
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-']).toString().replace(/[ \t]+/g, ' ');
  expect(text).toContain(`Tổng số văn bản ${json.outgoing.total} ${json.incoming.total}`);
  expect(text).toContain('Xử lý văn bản đến đúng hạn');

  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-xlsx').click()]);
  const xlsxPath = join(dir, 'bao-cao.xlsx');
  await xlsxDownload.saveAs(xlsxPath);
  const cells = JSON.parse(
    execFileSync(PYTHON, [
      '-c',
      'import json, sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nprint(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}))',
      xlsxPath,
    ]).toString(),
  );
  const total = (cells['Tổng hợp'] as unknown[][]).find((r) => r[0] === 'Tổng số văn bản')!;
  expect([total[1], total[3]]).toEqual([json.outgoing.total, json.incoming.total]);
  const handled = (cells['Xử lý'] as unknown[][]).find((r) => r[0] === 'Tổng cộng')!;
  expect(handled[1]).toBe(json.handling_total.assigned);

  // A preset: the first half of the year.
  await page.getByTestId('report-preset-h1').click();
  const year = half.from.slice(0, 4);
  await expect(page.getByTestId('report-period-text')).toContainText(`từ 01/01/${year} đến 30/06/${year}`);
  await expect(page.getByTestId('report-preset-h1')).toHaveAttribute('aria-pressed', 'true');

  // An official has no "Báo cáo".
  const reader = await person(browser, 'chuyenvien1.snv');
  await openNav(reader.page);
  await expect(reader.page.getByTestId('nav-report')).toHaveCount(0);
  await context.close();
  await clerk.context.close();
  await reader.context.close();
});
