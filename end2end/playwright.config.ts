import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium, never a downloaded browser; the flags keep it off the
// network this machine does not have.
const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export const APP_URL = "http://127.0.0.1:3100";
export const MAILDEV_URL = "http://127.0.0.1:1080";

export default defineConfig({
  testDir: "./tests",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: { baseURL: APP_URL, trace: "retain-on-failure" },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    { name: "mobile", use: { ...devices["Pixel 7"], launchOptions: chromium } },
  ],
  webServer: [
    {
      // A real SMTP server with an HTTP API to read what arrived.
      command: "node node_modules/maildev/bin/maildev --smtp 1025 --web 1080 --ip 127.0.0.1 --silent",
      url: `${MAILDEV_URL}/email`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "bash serve.sh",
      url: `${APP_URL}/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
    },
  ],
});
