import { defineConfig } from '@playwright/test';

// The e2e journeys run against the real server binary on a fresh SQLite data directory with the demo province,
// in Debian's Chromium (never a downloaded browser), at desktop and 360 px phone sizes.
// VANBAN_E2E_PORT lets several worktrees run the journeys on one machine at once.
export const PORT = Number(process.env.VANBAN_E2E_PORT ?? 18080);
export const DEMO_PASSWORD = 'Demo2026vanban';

export default defineConfig({
  testDir: './tests',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results',
  reporter: [['list'], ['json', { outputFile: 'test-results/report.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'desktop', testIgnore: /layout\.spec/, use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      testIgnore: /layout\.spec/,
      use: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
    { name: 'tablet', testMatch: /layout\.spec/, use: { viewport: { width: 768, height: 1024 }, hasTouch: true } },
  ],
  webServer: {
    command: './start-server.sh',
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    env: { VANBAN_E2E_PORT: String(PORT), VANBAN_DEMO_PASSWORD: DEMO_PASSWORD },
  },
});
