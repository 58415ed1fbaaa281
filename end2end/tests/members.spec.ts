import { readFileSync } from "fs";
import { devices, expect, test } from "@playwright/test";
import { PASSWORD, createPractice, expectNoHorizontalScroll, inviteTyped, linkIn, logIn, nthMailTo, open, signUp, toTeam, uniqueEmail } from "./helpers";

// Team management (product.md §3, §4): the owner on a desktop changes the
// place of a practitioner who is logged in on a phone at the same time.

test("an owner promotes, demotes and suspends a practitioner who is logged in on a phone", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the owner's side is a desktop task; the practitioner's phone is a second context");
  const owner = uniqueEmail(testInfo, "owner");
  const member = uniqueEmail(testInfo, "member");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  const practicePath = new URL(page.url()).pathname;
  await inviteTyped(page, member);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("1 invitation(s) sent");

  // The practitioner joins on a phone and sees no admin entry or control.
  const phone = await browser.newContext({ ...devices["Pixel 7"], baseURL: testInfo.project.use.baseURL });
  const pat = await phone.newPage();
  await open(pat, linkIn(await nthMailTo(request, member, 1)));
  await pat.getByLabel("Full name").fill("Pat Member");
  await pat.getByLabel("Password").fill(PASSWORD);
  await pat.getByRole("button", { name: "Create account" }).click();
  await expect(pat.locator("body[data-hydrated=true]")).toHaveCount(1);
  await pat.getByRole("button", { name: "Accept invitation" }).click();
  await expect(pat.getByText("Your role:")).toContainText("Practitioner");
  await open(pat, practicePath);
  const patNav = pat.getByRole("navigation", { name: "Practice" });
  await expect(patNav.getByRole("link")).toHaveText(["Dashboard", "Clients", "Community", "Settings"]);
  await expect(pat.getByRole("link", { name: "Invite people" })).toHaveCount(0);
  // Goals and ranges are for reading only, on a phone as anywhere.
  await open(pat, `${practicePath}/settings/goals`);
  await expect(pat.getByText("Only Owners and Admins can change the practice's goals and ranges.")).toBeVisible();
  await expect(pat.getByRole("button", { name: "Save goals" })).toHaveCount(0);
  await expect(pat.getByLabel("Glucose, lowest mg/dL")).toBeDisabled();
  // The phone that accepted the invitation is trusted; she sees only her own devices.
  await open(pat, `${practicePath}/settings/devices`);
  const patDevices = pat.getByRole("table").getByRole("row");
  await expect(patDevices).toHaveCount(2);
  await expect(patDevices.nth(1)).toContainText("Pat Member");
  await expect(patDevices.nth(1)).toContainText("This browser");
  await expect(pat.getByLabel("Require admin approval for new devices")).toHaveCount(0);

  // The owner promotes and demotes; their own row says why it has no actions.
  await toTeam(page);
  const patRow = page.getByRole("row", { name: /Pat Member/ });
  const [role, status] = [patRow.getByRole("cell").nth(3), patRow.getByRole("cell").nth(4)];
  await expect(page.getByRole("row", { name: /Ada Lovelace \(you\)/ })).toContainText("The Owner's place changes only when they transfer ownership.");
  await page.getByRole("button", { name: "Promote Pat Member to Admin" }).click();
  await expect(page.getByRole("status")).toContainText("Pat Member is now an Admin.");
  await expect(role).toHaveText("Admin");
  await page.getByRole("button", { name: "Demote Pat Member to Practitioner" }).click();
  const demote = page.getByRole("dialog", { name: "Demote Pat Member to Practitioner?" });
  await expect(demote).toContainText("They lose admin rights at once");
  await demote.getByRole("button", { name: "Demote" }).click();
  await expect(page.getByRole("status")).toContainText("Pat Member is now a Practitioner.");
  await expect(role).toHaveText("Practitioner");

  // Suspending asks first, then ends the practitioner's session at once.
  await page.getByRole("button", { name: "Suspend Pat Member" }).click();
  const confirm = page.getByRole("dialog", { name: "Suspend Pat Member?" });
  await expect(confirm).toContainText("logged out everywhere at once");
  await confirm.getByRole("button", { name: "Suspend" }).click();
  await expect(page.getByRole("status")).toContainText("Pat Member is suspended.");
  await expect(status).toHaveText("Suspended");

  // Search and filters are answered by the server, one page at a time.
  const ada = page.getByRole("row", { name: /Ada Lovelace \(you\)/ });
  await page.getByLabel("Status", { exact: true }).selectOption("suspended");
  await expect(ada).toHaveCount(0);
  await expect(status).toHaveText("Suspended");
  await page.getByLabel("Status", { exact: true }).selectOption("");
  await page.getByLabel("Search", { exact: true }).fill("pat mem");
  await page.getByLabel("Search", { exact: true }).press("Enter");
  await expect(ada).toHaveCount(0);
  await expect(patRow).toHaveCount(1);
  await page.getByLabel("Search", { exact: true }).fill("");
  await page.getByLabel("Search", { exact: true }).press("Enter");
  await expect(ada).toHaveCount(1);

  // The practitioner's next step needs a login, and the practice says why it stays shut.
  await pat.reload();
  await expect(pat).toHaveURL(/\/login\?next=/);
  await expect(pat.locator("body[data-hydrated=true]")).toHaveCount(1);
  await pat.getByLabel("Email or username").fill(member);
  await pat.getByLabel("Password").fill(PASSWORD);
  await pat.getByRole("button", { name: "Log in" }).click();
  await expect(pat.getByRole("alert")).toContainText("Your place on this practice's team is suspended.");

  // Reactivated with the role held before.
  await page.getByRole("button", { name: "Reactivate Pat Member" }).click();
  await expect(page.getByRole("status")).toContainText("Pat Member is active again, as Practitioner.");
  await open(pat, practicePath);
  await expect(pat.getByText("Your role:")).toContainText("Practitioner");
  await phone.close();

  // The audit log shows each change; a filter and the CSV download carry the same search.
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Action", { exact: true }).selectOption("member.suspended");
  const events = page.getByRole("table").getByRole("row");
  await expect(events).toHaveCount(2);
  await expect(events.nth(1)).toContainText("role: Practitioner · status: Active → role: Practitioner · status: Suspended");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toBe("audit-log.csv");
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv.trim().split("\n")).toHaveLength(2);
  expect(csv).toContain("member.suspended");
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByRole("status")).toContainText("The audit trail is intact");
});

test("an owner adds a username user, who logs in with the one-time password and must choose their own", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "adding people is a desktop task; the new person's browser is a second context");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const practicePath = new URL(page.url()).pathname;
  await toTeam(page);
  await page.getByRole("link", { name: "Add user" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add user" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);

  await page.getByLabel("Full name", { exact: true }).fill("Front Desk");
  await page.getByLabel("Position", { exact: true }).selectOption("receptionist");
  await page.getByRole("radio", { name: /Username/ }).check();
  const username = `desk-${Date.now() % 1_000_000}`;
  // Problems show as the admin types, before anything is sent.
  await page.getByLabel("Username", { exact: true }).fill("front desk");
  await expect(page.locator("#field-login-error")).toHaveText("A username cannot contain spaces.");
  await page.getByLabel("Username", { exact: true }).fill(username);
  await expect(page.locator("#field-login-error")).toHaveCount(0);
  await page.getByLabel("Screen-pop extensions", { exact: true }).fill("12,abc");
  await expect(page.locator("#field-screen_pop-error")).toContainText('"abc" is not an extension');
  await page.getByLabel("Screen-pop extensions", { exact: true }).fill("*");
  // The practice's info address is a fine contact for a username login.
  await page.getByLabel("Contact email", { exact: true }).fill("desk@harbour.example");
  await page.getByLabel("Role", { exact: true }).selectOption("staff");
  await page.getByLabel("Access level", { exact: true }).selectOption("read_only");
  await page.getByRole("button", { name: "Add user" }).click();
  const once = (await page.getByTestId("one-time-password").textContent())!.trim();
  expect(once).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

  // The row lists their username, position and level.
  await toTeam(page);
  const row = page.getByRole("row", { name: /Front Desk/ });
  await expect(row).toContainText(username);
  await expect(row).toContainText("Receptionist");
  await expect(row).toContainText("Staff (Read only)");

  // Their first login leads to choosing a password, and nothing else works until then.
  const desk = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const them = await desk.newPage();
  await logIn(them, username, once);
  await expect(them).toHaveURL(/\/change-password\?next=/);
  await expect(them.locator("body[data-hydrated=true]")).toHaveCount(1);
  await open(them, practicePath);
  await expect(them).toHaveURL(/\/change-password\?next=/);
  await expect(them.locator("body[data-hydrated=true]")).toHaveCount(1);
  await them.getByLabel("Current password", { exact: true }).fill(once);
  await them.getByLabel("New password", { exact: true }).fill(once);
  await them.getByRole("button", { name: "Save password" }).click();
  await expect(them.locator("#field-password-error")).toContainText("different from the one you were given");
  await them.getByLabel("New password", { exact: true }).fill(PASSWORD);
  await them.getByRole("button", { name: "Save password" }).click();
  await expect(them.getByText("Your role:")).toContainText("Staff (Read only)");
  await expect(them.getByRole("navigation", { name: "Practice" }).getByRole("link")).toHaveText(["Dashboard", "Clients", "Community", "Settings"]);
  await desk.close();

  // The owner edits their details; the login stays as it is.
  await page.getByRole("link", { name: "Edit Front Desk" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit user" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await expect(page.getByLabel("Username", { exact: true })).toBeDisabled();
  await page.getByLabel("Public name", { exact: true }).fill("Reception");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

  // A photo: a text file named .png is refused on the field; a real PNG comes back as the server's JPEG.
  const photo = page.getByLabel("Upload a photo");
  await photo.setInputFiles({ name: "me.png", mimeType: "image/png", buffer: Buffer.from("not a picture at all") });
  await expect(page.locator("#field-photo-error")).toHaveText("This file is not a PNG, JPEG or WebP image.");
  await expect(page.getByRole("img", { name: "Current profile photo" })).toHaveCount(0);
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGM4EaABRwzEcQASUhQBFGG4BQAAAABJRU5ErkJggg==", "base64");
  await photo.setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png });
  const shown = page.getByRole("img", { name: "Current profile photo" });
  await expect(shown).toBeVisible();
  await expect(page.locator("#field-photo-error")).toHaveCount(0);
  const served = await page.request.get((await shown.getAttribute("src"))!);
  expect(served.headers()["content-type"]).toBe("image/jpeg");
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);

  // The Owner hands the practice over and stays on as an Admin.
  await toTeam(page);
  await page.getByRole("button", { name: "Make Front Desk the Owner" }).click();
  const transfer = page.getByRole("dialog", { name: "Make Front Desk the Owner?" });
  await expect(transfer).toContainText("you become an Admin");
  await transfer.getByRole("button", { name: "Make Owner" }).click();
  await expect(page.getByRole("row", { name: /Front Desk/ }).getByRole("cell").nth(3)).toHaveText("Owner");
  await expect(page.getByRole("row", { name: /\(you\)/ }).getByRole("cell").nth(3)).toHaveText("Admin");
  await expect(page.getByRole("button", { name: /the Owner$/ })).toHaveCount(0);
});

test("an owner sets the practice's goals and ranges; a range the wrong way round is named", async ({ page, request }, testInfo) => {
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  // A practice with one admin says so on its dashboard (seed 002).
  await expect(page.getByRole("note")).toContainText("Only one active person can manage this team.");
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Goals and ranges" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Glucose, lowest mg/dL").fill("100");
  await page.getByLabel("Glucose, highest mg/dL").fill("70");
  await page.getByLabel("Ketones, lowest mmol/L").fill("0,5");
  await page.getByLabel("Ketones, highest mmol/L").fill("3");
  await page.getByRole("button", { name: "Save goals" }).click();
  await expect(page.getByText("The upper end must be above 100 mg/dL.")).toBeVisible();
  await page.getByLabel("Glucose, lowest mg/dL").fill("70");
  await page.getByLabel("Glucose, highest mg/dL").fill("100");
  await page.getByRole("button", { name: "Save goals" }).click();
  await expect(page.getByRole("status")).toContainText("Saved.");
  await page.reload();
  await expect(page.getByLabel("Ketones, lowest mmol/L")).toHaveValue("0.5");
  await expect(page.getByLabel("Glucose, highest mg/dL")).toHaveValue("100");
  await expectNoHorizontalScroll(page);
});

test("the owner sees the browser that created the practice as trusted and sets new-device approval", async ({ page, request }, testInfo) => {
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Devices" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("Ada Lovelace");
  await expect(rows.nth(1)).toContainText("This browser");
  const approval = page.getByLabel("Require admin approval for new devices");
  await expect(approval).toBeChecked();
  await approval.uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("new devices log in without approval");
  await page.reload();
  await expect(page.getByLabel("Require admin approval for new devices")).not.toBeChecked();
  await expectNoHorizontalScroll(page);
});
