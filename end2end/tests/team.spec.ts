import { expect, test } from "@playwright/test";
import { PASSWORD, createPractice, expectNoHorizontalScroll, inviteTyped, linkIn, logIn, logOut, mailsTo, nthMailTo, open, signUp, toTeam, uniqueEmail } from "./helpers";

test("an admin invites a pasted list and a CSV file, then resends and revokes", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the admin's work is a desktop task");
  const owner = uniqueEmail(testInfo, "owner");
  const a = [1, 2, 3, 4].map((i) => uniqueEmail(testInfo, `invitee${i}`));
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");

  // From now on staff invitations work for 3 days instead of 1 (Settings → Details).
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  const validity = page.getByLabel("Links in new staff invitations work for");
  await expect(validity).toHaveValue("1");
  await validity.fill("3");
  await page.getByRole("button", { name: "Save validity" }).click();
  await expect(page.getByRole("status")).toContainText("Saved: new staff invitations work for 3 days.");

  await inviteTyped(page, `${a[0]}, ${a[1]};${a[2]} ${a[3]}\nnot-an-address\n${a[0].toUpperCase()}\n${owner}`);
  // The browser cannot know who is on the team yet: the owner counts until the server's report.
  await expect(page.getByText("5 to invite · 1 not valid · 1 repeated")).toBeVisible();
  await expect(page.getByText("Line 2: “not-an-address”")).toBeVisible();
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("4 invitation(s) sent");
  const report = page.getByRole("table");
  await expect(report.getByRole("row")).toHaveCount(1 + 7);
  await expect(report.getByRole("row", { name: /not-an-address/ })).toContainText("Not valid");
  await expect(report.getByRole("row", { name: new RegExp(a[0].toUpperCase().replace(/[.+]/g, "\\$&")) })).toHaveCount(0);
  await expect(report.getByText("Duplicate in the list")).toBeVisible();
  await expect(report.getByText("Already on the team")).toBeVisible();
  for (const address of a) {
    const mail = await nthMailTo(request, address, 1);
    expect(mail.subject).toContain("invited you to join Harbour Clinic");
  }
  for (const address of a) expect(await mailsTo(request, address)).toHaveLength(1);

  // A CSV with a header, a byte-order mark and semicolons.
  const c = [1, 2].map((i) => uniqueEmail(testInfo, `csv${i}`));
  // Loaded directly this time: the page must hydrate on its own too.
  await open(page, new URL(page.url()).pathname);
  await page.getByLabel("Drop a CSV file here, or choose one").setInputFiles({
    name: "team.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`\uFEFFName;Email;Position\nCarla;${c[0]};Doctor\n"Lee; Dana";${c[1]};Hygienist\n`, "utf8"),
  });
  await expect(page.getByText("team.csv: 2 to invite")).toBeVisible();
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("2 invitation(s) sent");
  for (const address of c) await nthMailTo(request, address, 1);

  // Resend and revoke from the Team page.
  await page.getByRole("link", { name: "Back to the team" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  // The setting reached the invitations: each expires 3 days after it was sent.
  const cells = page.getByRole("row", { name: new RegExp(a[0].replace(/[.+]/g, "\\$&")) }).getByRole("cell");
  const when = async (i: number) => Date.parse((await cells.nth(i).innerText()).replace(",", "").replace(/ [A-Z]+$/, ""));
  expect((await when(5)) - (await when(4))).toBe(3 * 24 * 3600 * 1000);
  await page.getByRole("button", { name: `Resend to ${c[0]}` }).click();
  await expect(page.getByRole("status")).toContainText(`Sent again: ${c[0]}`);
  const second = await nthMailTo(request, c[0], 2);
  await page.getByRole("button", { name: `Revoke the invitation to ${c[1]}` }).click();
  // One confirmation dialog names the invitation and the consequence.
  const confirm = page.getByRole("dialog", { name: `Revoke the invitation to ${c[1]}?` });
  await expect(confirm).toContainText("stops working at once");
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("status")).toContainText(`Revoked: ${c[1]}`);
  await expect(page.getByRole("row", { name: new RegExp(c[1].replace(/[.+]/g, "\\$&")) })).toContainText("Revoked");

  // The revoked link says so; the first link of the resent one no longer works, the second does.
  await logOut(page);
  await open(page, linkIn((await mailsTo(request, c[1]))[0]));
  await expect(page.getByRole("alert")).toContainText("This invitation was withdrawn.");
  await open(page, linkIn((await mailsTo(request, c[0]))[0]));
  await expect(page.getByRole("alert")).toContainText("This link is not valid.");
  await open(page, linkIn(second));
  await expect(page.getByRole("heading", { name: "Create your account to accept" })).toBeVisible();
});

test("invitees accept on a phone, reject, or find an expired link that a resend repairs", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "the invitee's side is a phone task");
  const owner = uniqueEmail(testInfo, "owner");
  const [yes, no, late] = ["yes", "no", "late"].map((w) => uniqueEmail(testInfo, w));
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  await inviteTyped(page, `${yes}\n${no}\n${late}`);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("3 invitation(s) sent");
  await logOut(page);

  // The first invitee signs up from the link and accepts.
  await open(page, linkIn(await nthMailTo(request, yes, 1)));
  await expect(page.getByRole("heading", { name: "Join Harbour Clinic" })).toBeVisible();
  await page.getByLabel("Full name").fill("Yes Person");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("button", { name: "Accept invitation" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.getByText("Your role:")).toContainText("Practitioner");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await logOut(page);

  // The second rejects from the email's Reject link, without an account.
  const noLink = (await nthMailTo(request, no, 1)).text.match(/Reject: (\S+)/)![1];
  await open(page, new URL(noLink).pathname + new URL(noLink).search);
  await page.getByRole("button", { name: "Reject invitation" }).click();
  await expect(page.getByRole("status")).toContainText("You rejected the invitation");

  // The third opens the link after the validity passed.
  await request.post("/test/advance-clock?seconds=90000");
  await open(page, linkIn(await nthMailTo(request, late, 1)));
  await expect(page.getByRole("alert")).toContainText("This invitation expired on");
  await expect(page.getByRole("alert")).toContainText("Ask Ada Lovelace at Harbour Clinic to send it again.");

  // The admin sees each state and resends the expired one.
  await logIn(page, owner, PASSWORD);
  await expect(page.getByText("Your role:")).toContainText("Owner");
  await toTeam(page);
  const row = (address: string) => page.getByRole("row", { name: new RegExp(address.replace(/[.+]/g, "\\$&")) });
  await expect(row(yes).filter({ hasText: "Approved" })).toHaveCount(1);
  await expect(page.getByRole("row", { name: /Yes Person/ })).toContainText("Practitioner");
  await expect(row(no)).toContainText("Invitation rejected");
  await expect(row(late)).toContainText("Expired");
  // On the phone every person and invitation is a card: nothing scrolls sideways.
  await expectNoHorizontalScroll(page);
  await page.getByRole("button", { name: `Resend to ${late}` }).click();
  await expect(page.getByRole("status")).toContainText(`Sent again: ${late}`);
  await logOut(page);
  await open(page, linkIn(await nthMailTo(request, late, 2)));
  await expect(page.getByRole("heading", { name: "Create your account to accept" })).toBeVisible();
});

test("the join link lets people in, and a regenerated link refuses the old one", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "one run is enough");
  const owner = uniqueEmail(testInfo, "owner");
  const joiner = uniqueEmail(testInfo, "joiner");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("New members wait until an admin approves them").uncheck();
  await page.getByRole("button", { name: "Turn on the join link" }).click();
  const linkField = page.getByLabel("The link");
  await expect(linkField).toHaveValue(/\/join\/\S+/);
  const oldLink = new URL(await linkField.inputValue()).pathname;
  await logOut(page);

  await signUp(page, request, joiner, "Joan Joiner");
  await open(page, oldLink);
  await page.getByRole("button", { name: "Join the team" }).click();
  await expect(page.getByText("Your role:")).toContainText("Practitioner");
  await logOut(page);

  await logIn(page, owner, PASSWORD);
  await expect(page.getByText("Your role:")).toContainText("Owner");
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Make a new link" }).click();
  await page.getByRole("dialog", { name: "Make a new join link?" }).getByRole("button", { name: "Make a new link" }).click();
  await expect(linkField).not.toHaveValue(new RegExp(oldLink.replace(/[.+]/g, "\\$&") + "$"));
  await open(page, oldLink);
  await expect(page.getByRole("alert")).toContainText("This join link no longer works.");
});
