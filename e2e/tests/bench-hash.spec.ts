import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, signIn } from './helpers';

// Benchmark (scripts/bench-pdf.sh runs it with VANBAN_BENCH=1; `make test` skips it): SHA-256 of a 100 MB file in
// headless Chromium — WebCrypto on the page's thread, then the signing worker with each engine, same file.
test.skip(!process.env.VANBAN_BENCH, 'benchmark: run by scripts/bench-pdf.sh');
test.setTimeout(300_000);

test('hashing 100 MB in the worker against WebCrypto', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one browser size is enough for a benchmark');
  await signIn(page, 'lanhdao.ubnd', DEMO_PASSWORD);
  await expect(page.getByTestId('nav-signing')).toBeAttached();
  const result = await page.evaluate(async () => {
    const size = 100 * 1024 * 1024;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(i + 65536, size)));
    const file = new File([data], 'bench.bin');
    const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b)).map((x) => x.toString(16).padStart(2, '0')).join('');
    const runs = 3;
    const webcrypto: number[] = [];
    let reference = '';
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const buf = await file.arrayBuffer();
      reference = hex(await crypto.subtle.digest('SHA-256', buf));
      webcrypto.push(performance.now() - t0);
    }
    const worker = new Worker('/vanban_worker_loader.js');
    await new Promise<void>((ok) => (worker.onmessage = (e) => e.data.id === 0 && ok()));
    let next = 1;
    const hash = (engine: string) =>
      new Promise<any>((ok, fail) => {
        const id = next++;
        worker.onmessage = (e) => {
          const message = JSON.parse(e.data.message);
          if (e.data.id !== id || message.kind === 'progress') return;
          message.kind === 'reply' ? ok(message.body.body) : fail(e.data.message);
        };
        worker.postMessage({ id, request: JSON.stringify({ op: 'hash', engine }), file });
      });
    const timed = async (engine: string) => {
      const times: number[] = [];
      let digest = '';
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        digest = (await hash(engine)).sha256;
        times.push(performance.now() - t0);
      }
      return { times, digest };
    };
    const auto = await timed('auto');
    const wasm = await timed('wasm');
    worker.terminate();
    return { reference, webcrypto, auto, wasm, size };
  });
  expect(result.auto.digest).toBe(result.reference);
  expect(result.wasm.digest).toBe(result.reference);
  const best = (t: number[]) => Math.min(...t);
  const mbps = (ms: number) => result.size / 1048576 / (ms / 1000);
  const line = (name: string, t: number[]) =>
    `${name}: best ${best(t).toFixed(0)} ms (${mbps(best(t)).toFixed(0)} MB/s), runs ${t.map((x) => x.toFixed(0)).join(', ')}`;
  console.log(line('WebCrypto, page thread      ', result.webcrypto));
  console.log(line('worker, auto (WebCrypto)    ', result.auto.times));
  console.log(line('worker, streaming WASM      ', result.wasm.times));
  console.log(`worker auto reaches ${((100 * best(result.webcrypto)) / best(result.auto.times)).toFixed(0)} % of WebCrypto's throughput`);
});

test('rendering a page for the placement preview (hayro in the worker)', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one browser size is enough for a benchmark');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const corpus = join(__dirname, '..', '..', 'shared', 'tests', 'corpus');
  const files = ['lo-cong-van-18p.pdf', 'rotated-90.pdf', 'debian-libtasn1.pdf', 'gs-scan-jpeg.pdf', 'qpdf-objstm-18p.pdf'];
  await signIn(page, 'lanhdao.ubnd', DEMO_PASSWORD);
  await expect(page.getByTestId('nav-signing')).toBeAttached();
  for (const name of files) {
    const bytes = Array.from(readFileSync(join(corpus, name)));
    const times = await page.evaluate(async (data) => {
      const file = new File([new Uint8Array(data)], 'x.pdf');
      const worker = new Worker('/vanban_render_loader.js');
      await new Promise<void>((ok) => (worker.onmessage = (e) => e.data.id === 0 && ok()));
      const out: number[] = [];
      for (let id = 1; id <= 3; id++) {
        const t0 = performance.now();
        await new Promise<void>((ok, fail) => {
          worker.onmessage = (e) => {
            const message = JSON.parse(e.data.message);
            if (e.data.id !== id || message.kind === 'progress') return;
            message.kind === 'reply' ? ok() : fail(e.data.message);
          };
          worker.postMessage({ id, request: JSON.stringify({ op: 'render', page: 0, width: 900 }), file });
        });
        out.push(performance.now() - t0);
      }
      worker.terminate();
      return out;
    }, bytes);
    console.log(`render page 1 of ${name} at 900 px: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }
});

test('rendering the same pages with pdf.js, the JavaScript alternative', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one browser size is enough for a benchmark');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { brotliCompressSync } = await import('node:zlib');
  const pdfjsDir = join(__dirname, '..', 'node_modules', 'pdfjs-dist', 'build');
  const br = (f: string) => brotliCompressSync(readFileSync(join(pdfjsDir, f))).length;
  console.log(`pdf.js 4.10 size: pdf.min.mjs ${br('pdf.min.mjs')} B + pdf.worker.min.mjs ${br('pdf.worker.min.mjs')} B brotli`);
  await page.route('**/__pdfjs/*', (route) =>
    route.fulfill({ path: join(pdfjsDir, new URL(route.request().url()).pathname.split('/').pop()!), contentType: 'text/javascript' }),
  );
  const corpus = join(__dirname, '..', '..', 'shared', 'tests', 'corpus');
  const files = ['lo-cong-van-18p.pdf', 'rotated-90.pdf', 'debian-libtasn1.pdf', 'gs-scan-jpeg.pdf', 'qpdf-objstm-18p.pdf'];
  await signIn(page, 'lanhdao.ubnd', DEMO_PASSWORD);
  await expect(page.getByTestId('nav-signing')).toBeAttached();
  for (const name of files) {
    const bytes = Array.from(readFileSync(join(corpus, name)));
    const times = await page.evaluate(async (data) => {
      const pdfjs: any = await import('/__pdfjs/pdf.min.mjs' as string);
      pdfjs.GlobalWorkerOptions.workerSrc = '/__pdfjs/pdf.worker.min.mjs';
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const doc = await pdfjs.getDocument({ data: new Uint8Array(data), isEvalSupported: false }).promise;
        const p = await doc.getPage(1);
        const base = p.getViewport({ scale: 1 });
        const viewport = p.getViewport({ scale: 900 / base.width });
        const canvas = document.createElement('canvas');
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        await p.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
        out.push(performance.now() - t0);
        await doc.destroy();
      }
      return out;
    }, bytes);
    console.log(`pdf.js render page 1 of ${name} at 900 px: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  }
});
