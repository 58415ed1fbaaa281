import { expect, test, type Browser, type TestInfo } from "@playwright/test";
import { PASSWORD, createPractice, inviteTyped, linkIn, logIn, logOut, mailsTo, nthMailTo, open, signUp, uniqueEmail } from "./helpers";

// New-device approval (product.md §6): a login from a browser the practice
// has not trusted waits for an admin, or for a sole admin's own code.

async function newBrowser(browser: Browser, testInfo: TestInfo) {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  return { context, page: await context.newPage() };
}

test("an admin approves a practitioner's new browser from the email; another is declined; the approved one needs no approval a day later", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "three browsers at once: a desktop task");
  const owner = uniqueEmail(testInfo, "owner");
  const member = uniqueEmail(testInfo, "member");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  await inviteTyped(page, member);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("1 invitation(s) sent");

  // The practitioner accepts on their own browser, which is trusted from then on.
  const home = await newBrowser(browser, testInfo);
  await open(home.page, linkIn(await nthMailTo(request, member, 1)));
  await home.page.getByLabel("Full name").fill("Pat Member");
  await home.page.getByLabel("Password").fill(PASSWORD);
  await home.page.getByRole("button", { name: "Create account" }).click();
  await expect(home.page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await home.page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(home.page.getByText("Your role:")).toContainText("Practitioner");
  await home.context.close();

  // A second browser waits; the page goes on by itself once the owner approves.
  const laptop = await newBrowser(browser, testInfo);
  await logIn(laptop.page, member, PASSWORD);
  await expect(laptop.page).toHaveURL(/\/login\/waiting/);
  await expect(laptop.page.getByRole("status")).toContainText("Its admins have been asked to approve it");
  const ask = await nthMailTo(request, owner, 2);
  expect(ask.subject).toBe("Pat Member is logging in to Harbour Clinic from a new device");
  await open(page, linkIn(ask));
  await expect(page.getByRole("heading", { level: 1, name: "Make a decision" })).toBeVisible();
  await expect(page.locator("dl")).toContainText("Pat Member");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status")).toContainText("Approved by Ada Lovelace");
  await expect(laptop.page.getByText("Your role:")).toContainText("Practitioner", { timeout: 15_000 });

  // The same link again says who decided, and offers nothing.
  await open(page, linkIn(ask));
  await expect(page.getByRole("status")).toContainText("Approved by Ada Lovelace");
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // A third browser is declined, and says so.
  const stranger = await newBrowser(browser, testInfo);
  await logIn(stranger.page, member, PASSWORD);
  await expect(stranger.page).toHaveURL(/\/login\/waiting/);
  await open(page, linkIn(await nthMailTo(request, owner, 3)));
  await page.getByRole("button", { name: "Decline" }).click();
  const dialog = page.getByRole("dialog", { name: "Decline the login of Pat Member?" });
  await dialog.getByRole("button", { name: "Decline" }).click();
  await expect(page.getByRole("status")).toContainText("Declined by Ada Lovelace");
  await expect(stranger.page.getByRole("alert")).toContainText("declined this login", { timeout: 15_000 });
  await stranger.context.close();

  // A day later the approved browser logs in straight away.
  expect((await request.post("/test/advance-clock?seconds=86400")).ok()).toBeTruthy();
  await logIn(laptop.page, member, PASSWORD);
  await expect(laptop.page.getByText("Your role:")).toContainText("Practitioner");
  await laptop.context.close();
});

test("a sole admin on a new browser lets themselves in with the emailed code; five wrong codes end the attempt", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "two browsers at once: a desktop task");
  const owner = uniqueEmail(testInfo, "sole");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  await logOut(page);

  const other = await newBrowser(browser, testInfo);
  await logIn(other.page, owner, PASSWORD);
  await expect(other.page).toHaveURL(/\/login\/waiting/);
  // A code typed before the page is live would be lost to the form's signal.
  await expect(other.page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await expect(other.page.getByText("You are the only active admin")).toBeVisible();
  const sent = await nthMailTo(request, owner, 2);
  const code = sent.subject.split(" ").pop()!;
  const wrong = code === "000000" ? "111111" : "000000";
  for (const left of [4, 3, 2, 1]) {
    await other.page.getByLabel("Code").fill(wrong);
    await other.page.getByRole("button", { name: "Confirm" }).click();
    await expect(other.page.locator("#field-code-error")).toHaveText(`That code is not right. ${left} tries left.`);
  }
  await other.page.getByLabel("Code").fill(wrong);
  await other.page.getByRole("button", { name: "Confirm" }).click();
  await expect(other.page.getByRole("alert")).toContainText("Five wrong codes ended this login");

  // Logging in again sends a new code, and the right one lets the browser in.
  await logIn(other.page, owner, PASSWORD);
  await expect.poll(async () => (await mailsTo(request, owner)).length).toBe(3);
  await expect(other.page).toHaveURL(/\/login\/waiting/);
  await expect(other.page.locator("body[data-hydrated=true]")).toHaveCount(1);
  const fresh = (await nthMailTo(request, owner, 3)).subject.split(" ").pop()!;
  await other.page.getByLabel("Code").fill(fresh);
  await other.page.getByRole("button", { name: "Confirm" }).click();
  await expect(other.page.getByText("Your role:")).toContainText("Owner");
  await other.context.close();
});
