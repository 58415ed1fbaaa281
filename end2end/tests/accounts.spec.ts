import { expect, test } from "@playwright/test";
import {
  PASSWORD,
  createPractice,
  expectNoHorizontalScroll,
  linkIn,
  logIn,
  nthMailTo,
  open,
  signUp,
  signUpThroughPages,
  uniqueEmail,
} from "./helpers";

test("sign up, create a practice, log out, a wrong password, log in", async ({ page, request }, testInfo) => {
  const email = uniqueEmail(testInfo, "owner");
  await signUpThroughPages(page, request, email);
  const session = (await page.context().cookies()).find((c) => c.name === "carekeys_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  expect(await page.evaluate(() => document.cookie)).not.toContain("carekeys_session");
  await expectNoHorizontalScroll(page);
  await createPractice(page, "Harbour Clinic");
  await expect(page.getByText("Your role:")).toContainText("Owner");
  await expectNoHorizontalScroll(page);

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await logIn(page, email, "not the password at all");
  await expect(page.getByRole("alert")).toHaveText("That email, username or password is not right.");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Harbour Clinic" })).toBeVisible();
});

test("settings change the details, and a second practice brings the switcher", async ({ page, request }, testInfo) => {
  await signUp(page, request, uniqueEmail(testInfo, "switcher"));
  await createPractice(page, "Harbour Clinic");
  const harbour = page.url();

  // Every page of a practice, loaded directly, hydrates without an error.
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(`${page.url()}: ${m.text()}`));
  const base = new URL(harbour).pathname;
  for (const path of ["", "/team", "/team/invite", "/settings", "/settings/roles"]) {
    await open(page, base + path);
  }
  expect(errors).toEqual([]);
  await open(page, base);

  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByLabel("Practice name")).toHaveValue("Harbour Clinic");
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Practice name").fill("");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Enter the practice name.")).toBeVisible();
  await page.getByLabel("Practice name").fill("Harbour Health");
  await page.getByLabel("Time zone").selectOption("America/New_York");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expect(page.getByRole("banner").getByText("Harbour Health")).toBeVisible();

  await page.getByRole("link", { name: "Roles" }).click();
  await expect(page.getByRole("table")).toContainText("Transfer ownership, delete the practice");
  await expectNoHorizontalScroll(page);

  await open(page, "/practices/new");
  await createPractice(page, "Hill Clinic");
  const switcher = page.getByRole("combobox", { name: "Practice" });
  await expect(switcher).toHaveValue(/.+/);
  await switcher.selectOption({ label: "Harbour Health" });
  await expect(page).toHaveURL(harbour);
  await expect(page.getByRole("heading", { level: 1, name: "Harbour Health" })).toBeVisible();
  await expect(page.getByText("Time zone")).toBeVisible();
  await expect(page.getByText("America/New York")).toBeVisible();
});

test("a password reset link read from the SMTP server works once and not twice", async ({ page, request }, testInfo) => {
  const email = uniqueEmail(testInfo, "reset");
  await signUp(page, request, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.getByRole("link", { name: "Forgot your password?" }).click();
  // The page arrives in its own piece of WASM: until then the login form is still showing.
  await expect(page.getByRole("button", { name: "Send reset link" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText("a reset link is on its way");

  const mail = await nthMailTo(request, email, 2);
  expect(mail.subject).toBe("Reset your Carekeys password");
  const link = linkIn(mail);

  await open(page, link);
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password was changed");

  // Opened again, the used link says so at once: no form to fill in first.
  await open(page, link);
  await expect(page.getByRole("alert")).toContainText("This link has already been used.");
  await expect(page.getByLabel("New password")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Ask for a new one" })).toBeVisible();

  await logIn(page, email, PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("That email, username or password is not right.");
  await page.getByLabel("Password").fill("a brand new password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/practices\/new$/);
});

test("bad sign-up input is answered field by field", async ({ page }) => {
  await open(page, "/signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please correct the fields marked below.");
  await expect(page.getByText("Enter your full name.")).toBeVisible();
  await expect(page.getByText("Enter an email address.")).toBeVisible();
  // No password here: it is chosen on the emailed link's page, by whoever reads that mailbox.
  await expect(page.getByLabel("Password")).toHaveCount(0);

  await page.getByLabel("Full name").fill("Ada www.evil.example");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("“www.evil.example” looks like a web or email address")).toBeVisible();

  await page.getByLabel("Full name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill("ada.example.org");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An email address needs an @ between the name and the domain.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  // What was typed stays: nothing valid is lost.
  await expect(page.getByLabel("Full name")).toHaveValue("Ada Lovelace");
});

test("signing up with a taken address looks the same to whoever tries", async ({ page, request }, testInfo) => {
  const email = uniqueEmail(testInfo, "taken");
  await signUp(page, request, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await open(page, "/signup");
  await page.getByLabel("Full name").fill("Someone Else");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText(`We sent a link to ${email}`);
  // Only the owner of the address learns it already has an account.
  const note = await nthMailTo(request, email, 2);
  expect(note.subject).toBe("You already have a Carekeys account");
});

test("an unknown or expired-looking link says so plainly", async ({ page }) => {
  await open(page, "/reset-password?token=not-a-real-token");
  await expect(page.getByRole("alert")).toContainText("This link is not valid.");
  await open(page, "/signup/confirm?token=not-a-real-token");
  await expect(page.getByRole("alert")).toContainText("This link is not valid.");
  await expect(page.getByRole("alert").getByRole("link", { name: "sign up" })).toBeVisible();
});

test("pages of a practice need a login", async ({ page }) => {
  await page.goto("/practices/new");
  await expect(page).toHaveURL(/\/login$/);
});
