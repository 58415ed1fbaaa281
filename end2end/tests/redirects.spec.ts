import { expect, test } from "@playwright/test";
import { APP_URL } from "../playwright.config";
import { PASSWORD, finishSignUp, nthMailTo, open, signUp, uniqueEmail } from "./helpers";

// `next` after logging in or signing up never leaves this site, whatever it
// holds: known open-redirect payloads, as they would sit in a link's query
// string. Browsers drop tabs and new lines and read `\` as `/`, which is what
// most of these rely on.
const PAYLOADS = [
  "//evil.example",
  "///evil.example",
  "/%09/evil.example",
  "/%0A/evil.example",
  "/%0D/evil.example",
  "/%20/evil.example",
  "/%5Cevil.example",
  "%5C%5Cevil.example",
  "/%5C/evil.example",
  "%2F%2Fevil.example",
  "https://evil.example",
  "https:evil.example",
  "javascript:alert(1)",
  "/%E3%80%80/evil.example",
];

test("after logging in, no next value leaves the site", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the rule is in the server; one browser is enough");
  const email = uniqueEmail(testInfo, "redirect");
  await signUp(page, request, email);
  for (const payload of PAYLOADS) {
    await page.context().clearCookies();
    await open(page, `/login?next=${payload}`);
    await page.getByLabel("Email or username").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page, payload).not.toHaveURL(/\/login/);
    expect(new URL(page.url()).origin, payload).toBe(APP_URL);
    await expect(page, payload).toHaveURL(/\/practices\/new$/);
  }
});

test("after signing up, no next value leaves the site", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the rule is in the server; one browser is enough");
  for (const payload of ["/%09/evil.example", "//evil.example", "/%5Cevil.example"]) {
    const email = uniqueEmail(testInfo, "signup-redirect");
    await page.context().clearCookies();
    await open(page, `/signup?next=${payload}`);
    await page.getByLabel("Full name").fill("Red Irect");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("status")).toContainText("Check your email");
    await finishSignUp(page, await nthMailTo(request, email, 1), email);
    await expect(page, payload).toHaveURL(/\/practices\/new$/);
    expect(new URL(page.url()).origin, payload).toBe(APP_URL);
  }
});
