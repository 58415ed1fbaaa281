import { expect, test } from "@playwright/test";
import { createPractice, signUp, uniqueEmail } from "./helpers";
test("debug", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop");
  const logs: string[] = [];
  page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => logs.push(`failed: ${r.url()}`));
  page.on("response", async (r) => { if (r.url().includes("chunk_") || r.status() >= 400) logs.push(`${r.status()}: ${r.url()} ${JSON.stringify(await r.request().allHeaders())}`); });
  await page.goto("/login");
  await page.waitForTimeout(3000);
  console.log("LOGIN hydrated:", await page.locator("body").getAttribute("data-hydrated"));
  await page.goto("/signup");
  await page.waitForTimeout(3000);
  console.log("SIGNUP hydrated:", await page.locator("body").getAttribute("data-hydrated"));
  console.log(logs.join("\n"));
});
