import { expect, test, type Page } from "@playwright/test";
import {
  createPractice,
  expectAccessible,
  expectNoHorizontalScroll,
  linkIn,
  mailsTo,
  nthMailTo,
  open,
  PASSWORD,
  phone,
  signUp,
  uniqueEmail,
} from "./helpers";

// Community → Members and joining on a phone (issue "Communities and data
// sharing", product.md §5, §8). The lifecycle, the role table and another
// practice's ids are tested on the server (community_members.rs); here: the
// pages, the real SMTP server, and a phone.

async function toMembers(page: Page) {
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Community" }).click();
  await page.getByRole("navigation", { name: "Community" }).getByRole("link", { name: "Members" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Community members" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** Registers through an emailed community link on `page`, as a new account. */
async function registerByLink(page: Page, link: string, name: string) {
  await open(page, link);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Choose a password").fill(PASSWORD);
  await page.getByRole("button", { name: "Join the community" }).click();
  await expect(page).toHaveURL(/\/portal\/sharing$/);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

test("paste 12 without mail, invite 10 quietly and 2 by email; one registers on a phone, logs readings and shares", async ({ page, request, browser }, testInfo) => {
  test.skip(testInfo.project.name === "mobile", "the desk's part runs on a desktop; the member's part opens its own phone");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  await toMembers(page);
  const stamp = `${Date.now()}`;
  const addresses = Array.from({ length: 12 }, (_, i) => `m${String(i + 1).padStart(2, "0")}-${stamp}@example.org`);
  // Any mix of separators, as people paste them.
  await page.getByLabel("Email addresses").fill(`${addresses.slice(0, 6).join(", ")}\n${addresses.slice(6).join("; ")}`);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "12 added, none notified." })).toBeVisible();
  const rows = page.locator(".members-table tbody tr");
  const cells = (label: string, text: string) => page.locator(`.members-table td[data-label="${label}"]`).filter({ hasText: new RegExp(`^${text}$`) });
  await expect(rows).toHaveCount(12);
  await expect(cells("Status", "Not invited")).toHaveCount(12);

  // Ten handed over in the room: Don't notify.
  for (const address of addresses.slice(0, 10)) {
    await page.getByRole("checkbox", { name: `Select ${address}` }).check();
  }
  await page.getByRole("radio", { name: "Don't notify" }).check();
  await page.getByRole("button", { name: "Invite selected (10)" }).click();
  await expect(page.getByRole("status").filter({ hasText: "10 invited, 0 by email." })).toBeVisible();
  await expect(cells("Status", "Invited")).toHaveCount(10);

  // The other two, by email: every one still Not invited.
  await page.getByLabel("Status").selectOption({ label: "Not invited" });
  await expect(rows).toHaveCount(2);
  await page.getByRole("radio", { name: "Notify by email" }).check();
  await page.getByRole("button", { name: "Invite all matching" }).click();
  await expect(page.getByRole("status").filter({ hasText: "2 invited, 2 by email." })).toBeVisible();
  const invitation = await nthMailTo(request, addresses[10], 1);
  expect(invitation.subject).toBe("Harbour Clinic invites you to its community on Carekeys");
  await nthMailTo(request, addresses[11], 1);
  // The outbox delivers in order: had the quiet ten been mailed, it would have arrived by now.
  for (const address of addresses.slice(0, 10)) {
    expect(await mailsTo(request, address), address).toHaveLength(0);
  }

  // On her phone: register, two readings, Sharing on.
  const member = await phone(browser);
  await registerByLink(member, linkIn(invitation), "Mia Member");
  await member.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Readings" }).click();
  await expect(member.getByRole("heading", { level: 1, name: "Readings" })).toBeVisible();
  await expect(member.getByLabel("Taken at")).not.toHaveValue("");
  await member.getByLabel("What").selectOption({ label: "Glucose" });
  await member.getByLabel("Value").fill("5,4");
  await member.getByLabel("Unit").selectOption({ label: "mmol/L" });
  await member.getByRole("button", { name: "Log reading" }).click();
  await expect(member.locator("ul.readings li")).toHaveCount(1);
  await expect(member.locator("ul.readings")).toContainText("97.29 mg/dL");
  await member.getByLabel("What").selectOption({ label: "Weight" });
  await member.getByLabel("Value").fill("71.5");
  await member.getByRole("button", { name: "Log reading" }).click();
  await expect(member.locator("ul.readings li")).toHaveCount(2);
  await expect(member.locator("ul.readings")).toContainText("71.5 kg");
  await expectNoHorizontalScroll(member);
  await expectAccessible(member);
  await member.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Sharing" }).click();
  await member.getByRole("checkbox", { name: "Count my readings in Harbour Clinic's Community Health" }).check();
  await expect(member.locator(".portal-practice .badge")).toHaveText("Sharing");

  // At the desk: the list shows her Registered and Sharing.
  await page.reload();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Sharing").selectOption({ label: "Sharing" });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(addresses[10]);
  await expect(cells("Status", "Registered")).toHaveCount(1);
  await expect(cells("Sharing", "Sharing")).toHaveCount(1);
  await expectAccessible(page);
  await member.context().close();
});

test("a person in the room joins with the code on a 360 px phone", async ({ page, request, browser }, testInfo) => {
  test.skip(testInfo.project.name === "desktop", "a phone's scenario");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  await toMembers(page);
  await page.getByRole("button", { name: "Show the join screen" }).click();
  const code = (await page.locator(".join-screen .code").textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(page.locator(".join-screen .qr svg")).toBeVisible();

  const joiner = await phone(browser, 360);
  const email = uniqueEmail(testInfo, "joiner");
  await open(joiner, "/portal/join");
  // A misread code is named, and nothing is sent.
  await joiner.getByLabel("Community code").fill("ABCD-EFG");
  await joiner.getByLabel("Your email address").fill(email);
  await joiner.getByRole("button", { name: "Email me a link" }).click();
  await expect(joiner.getByText("The code has 8 letters and digits")).toBeVisible();
  await joiner.getByLabel("Community code").fill(code.toLowerCase());
  await joiner.getByRole("button", { name: "Email me a link" }).click();
  await expect(joiner.getByRole("status")).toContainText(`We emailed a link to ${email}`);
  await expectNoHorizontalScroll(joiner);
  await expectAccessible(joiner);
  await registerByLink(joiner, linkIn(await nthMailTo(request, email, 1)), "Jo Joiner");
  await expect(joiner.getByRole("heading", { level: 2, name: "Harbour Clinic" })).toBeVisible();
  await expectNoHorizontalScroll(joiner);

  await page.reload();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  const row = page.locator(".members-table tbody tr").filter({ hasText: email });
  await expect(row.locator('td[data-label="Status"]')).toHaveText("Registered");
  await expect(row.locator('td[data-label="Sharing"]')).toHaveText("Not sharing");
  await joiner.context().close();
});
