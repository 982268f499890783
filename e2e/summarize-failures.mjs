// Prints, last, one short block per failed journey: CI keeps only the tail of the log, and the list reporter's
// error texts scroll out of it behind the attachments. Reads the JSON report playwright.config.ts writes.
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'test-results/report.json';
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (e) {
  console.log(`(no JSON report at ${path}: ${e.message})`);
  process.exit(0);
}
const strip = (s) => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '');
const failed = [];
function walk(suite, titles) {
  for (const s of suite.suites ?? []) walk(s, [...titles, s.title]);
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      for (const r of t.results ?? []) {
        if (r.status === 'failed' || r.status === 'timedOut') {
          failed.push({ title: `[${t.projectName}] ${[...titles, spec.title].filter(Boolean).join(' › ')}`, r });
        }
      }
    }
  }
}
walk(report, []);
console.log(`\n==== ${failed.length} failed journey(s), in short ====`);
for (const { title, r } of failed) {
  console.log(`\n-- ${title} (${r.status}, ${Math.round(r.duration / 1000)} s)`);
  for (const err of r.errors ?? [r.error].filter(Boolean)) {
    const lines = strip(err.message).split('\n').slice(0, 14);
    console.log(lines.map((l) => `   ${l}`).join('\n'));
    const at = strip(err.stack).split('\n').find((l) => l.includes('.spec.ts') || l.includes('journey.ts'));
    if (at) console.log(`   ${at.trim()}`);
  }
  const out = (r.stdout ?? []).map((c) => c.text ?? '').join('').trim().split('\n').slice(-5);
  if (out.join('').length) console.log(`   stdout tail: ${out.join(' | ')}`);
}
