import { devices, expect, test, type Page } from "@playwright/test";
import { APP_URL } from "../playwright.config";
import { addClient, createPractice, expectAccessible, expectNoHorizontalScroll, inviteToPortal, linkIn, logIn, logOut, mailsTo, nthMailTo, open, signUp, uniqueEmail } from "./helpers";

// Clients and Invite to Client Portal (issue "Clients and the client portal").

test("an admin invites three clients to the portal with a message of their own", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "admins invite from the Clients list at a desk");
  const owner = uniqueEmail(testInfo, "owner");
  const [ana, bruno, carla] = ["ana", "bruno", "carla"].map((who) => uniqueEmail(testInfo, who));
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];

  // One client through the form (it opens their details), the others as the form would.
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Clients" }).click();
  await page.getByText("Add client", { exact: true }).first().click();
  await page.getByLabel("First name").fill("Ana");
  await page.getByLabel("Last name").fill("Silva");
  await page.getByLabel("Email").fill(ana);
  await page.getByLabel("Date of birth").fill("2199-01-01");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText("A date of birth cannot be in the future.")).toBeVisible();
  await page.getByLabel("Date of birth").fill("1984-03-21");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ana Silva" })).toBeVisible();
  await addClient(page, practice, "Bruno", "Alves", bruno);
  await addClient(page, practice, "Carla", "Costa", carla);
  await addClient(page, practice, "Dinis", "Dias", "");

  await open(page, `/p/${practice}/clients`);
  const noEmail = page.getByRole("checkbox", { name: "Select Dinis Dias" });
  await expect(noEmail).toBeDisabled();
  await expect(noEmail).toHaveAttribute("title", /No email address/);
  await expect(noEmail).toHaveAccessibleDescription(/No email address/);
  for (const name of ["Ana Silva", "Bruno Alves", "Carla Costa"]) {
    await page.getByRole("checkbox", { name: `Select ${name}` }).check();
  }
  await page.getByRole("button", { name: "Invite to portal (3)" }).click();

  const message = page.getByLabel("Message", { exact: true });
  await expect(message).toHaveValue(/\{invite_link\}/);
  await message.fill("Hello {client_first_name} {unknown}");
  await expect(page.getByText("Unknown placeholder {unknown} at line 1, column 27")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send 3 invitation(s)" })).toBeDisabled();
  await message.fill("Hello {client_first_name}, welcome to ");
  await page.getByRole("button", { name: "{practice_name}" }).click();
  await message.press("End");
  await message.pressSequentially(". Start here: ");
  await page.getByRole("button", { name: "{invite_link}" }).click();
  await expect(message).toHaveValue("Hello {client_first_name}, welcome to {practice_name}. Start here: {invite_link}");

  // The preview is the email each client gets, one after the other.
  const preview = page.getByLabel("Email preview");
  await expect(page.getByText("Preview for Bruno Alves (1 of 3)")).toBeVisible();
  await expect(preview).toContainText("Subject: Harbour Clinic invites you to its client portal");
  await expect(preview).toContainText("Hello Bruno, welcome to Harbour Clinic. Start here:");
  await page.getByRole("button", { name: "Next client" }).click();
  await expect(preview).toContainText("Hello Carla, welcome to Harbour Clinic.");

  // Intake forms are picked on the side: the practice's two seeded forms start ticked as its defaults.
  const forms = page.getByRole("group", { name: "Intake forms" });
  for (const title of ["Health history", "Consent to treatment"]) {
    await expect(forms.getByRole("checkbox", { name: title })).toBeChecked();
    await forms.getByRole("checkbox", { name: title }).uncheck();
  }
  for (const title of ["Health history", "Consent to treatment"]) {
    await forms.getByRole("checkbox", { name: title }).check();
  }
  await page.getByLabel("Save message and forms as the practice's default").check();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Send 3 invitation(s)" }).click();
  await expect(page.getByRole("status")).toContainText("3 invitation(s) sent.");

  // Three emails at the SMTP server, each with the client's own name and link.
  const links = new Set<string>();
  for (const [address, first] of [[ana, "Ana"], [bruno, "Bruno"], [carla, "Carla"]]) {
    const mail = await nthMailTo(request, address, 1);
    expect(mail.subject).toBe("Harbour Clinic invites you to its client portal");
    expect(mail.text).toContain(`Hello ${first}, welcome to Harbour Clinic. Start here: `);
    const link = linkIn(mail);
    expect(link).toMatch(/^\/portal\/invitation\?token=[A-Za-z0-9_-]{20,}$/);
    links.add(link);
  }
  expect(links.size).toBe(3);
  await expect(page.getByRole("row", { name: /Ana Silva/ })).toContainText("Invited");
  // Each client was asked for both forms.
  await page.getByRole("link", { name: "Bruno Alves" }).click();
  const asked = page.locator("#forms");
  await expect(asked.getByText("Health history")).toBeVisible();
  await expect(asked.getByText("Consent to treatment")).toBeVisible();
  await expect(asked.getByText("To fill in")).toHaveCount(2);
  await page.goBack();

  // The saved default is where the next invitation starts, from Client details too.
  await page.getByRole("link", { name: "Dinis Dias" }).click();
  await page.getByLabel("Email").fill(uniqueEmail(testInfo, "dinis"));
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Saved.");
  await page.getByRole("button", { name: "Invite to portal" }).click();
  // (Client details → Messages has a Message box of its own.)
  const panel = page.locator(".invite-portal");
  await expect(panel.getByLabel("Message", { exact: true })).toHaveValue("Hello {client_first_name}, welcome to {practice_name}. Start here: {invite_link}");
  await expect(panel.getByText("Preview for Dinis Dias (1 of 1)")).toBeVisible();
});

test("a client opens the emailed link on a phone, creates the portal login and fills both forms", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "patients open their invitation on a phone");
  const owner = uniqueEmail(testInfo, "owner");
  const ana = uniqueEmail(testInfo, "ana");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];
  const client = await addClient(page, practice, "Ana", "Silva", ana);
  const practiceForms = await page.request.post("/api/intake_forms", {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data: { practice },
  });
  const formIds = ((await practiceForms.json()) as { id: string }[]).map((f) => f.id);
  expect(formIds).toHaveLength(2);
  await inviteToPortal(page, practice, client, formIds);
  const link = linkIn(await nthMailTo(request, ana, 1));

  // A phone that has never seen Carekeys, 360 px wide.
  const context = await browser.newContext({ ...devices["Pixel 7"], viewport: { width: 360, height: 780 }, baseURL: APP_URL });
  const phone = await context.newPage();
  await open(phone, link);
  await expect(phone.getByRole("heading", { level: 1, name: "Harbour Clinic client portal" })).toBeVisible();
  await expect(phone.getByText("Hello Ana, Harbour Clinic invites you")).toBeVisible();
  await expect(phone.getByLabel("Your login")).toHaveValue(ana);
  await expectNoHorizontalScroll(phone);
  await expectAccessible(phone);
  await phone.getByLabel("Choose a password").fill("short");
  await phone.getByRole("button", { name: "Create my portal login" }).click();
  await expect(phone.getByText("at least 10 characters", { exact: false }).last()).toBeVisible();
  await phone.getByLabel("Choose a password").fill("a long patient password");
  await phone.getByRole("button", { name: "Create my portal login" }).click();
  await expect(phone).toHaveURL(/\/portal$/);
  await expect(phone.getByRole("heading", { level: 1, name: "Your forms" })).toBeVisible();
  await expect(phone.getByRole("heading", { name: "Harbour Clinic" })).toBeVisible();
  await expectNoHorizontalScroll(phone);

  // Health history: half-way, a draft; log out, come back later, it is all there.
  await phone.getByRole("link", { name: "Health history" }).click();
  const reason = phone.getByLabel("Reason for your visit");
  await expect(reason).toBeVisible();
  await reason.fill("Pain in my left knee");
  await phone.getByRole("group", { name: "Do you have a chronic condition?" }).getByLabel("No").check();
  await phone.getByRole("button", { name: "Save draft" }).click();
  await expect(phone.getByRole("status")).toContainText("Draft saved");
  await logOut(phone);
  await logIn(phone, ana, "a long patient password");
  await expect(phone).toHaveURL(/\/portal$/);
  await expect(phone.getByRole("listitem").filter({ hasText: "Health history" })).toContainText("Draft");
  await expectAccessible(phone);
  await phone.getByRole("link", { name: "Health history" }).click();
  await expect(phone.getByLabel("Reason for your visit")).toHaveValue("Pain in my left knee");
  await expect(phone.getByRole("group", { name: "Do you have a chronic condition?" }).getByLabel("No")).toBeChecked();
  await expectNoHorizontalScroll(phone);
  await expectAccessible(phone);
  await phone.getByRole("button", { name: "Submit form" }).click();
  await expect(phone.getByText("Answer \"Smoking\": it is required.")).toBeVisible();
  await phone.getByRole("group", { name: "Smoking" }).getByLabel("Never").check();
  await phone.getByLabel("Date of your last check-up").fill("2025-06-02");
  await phone.getByRole("button", { name: "Submit form" }).click();
  await expect(phone.getByRole("status")).toContainText("Submitted on");
  await expect(phone.getByText("Pain in my left knee")).toBeVisible();

  // Consent: the signature is required, and drawn with a finger.
  await phone.getByRole("link", { name: "← Your forms" }).click();
  await phone.getByRole("link", { name: "Consent to treatment" }).click();
  await expect(phone.getByLabel("Full name")).toBeVisible();
  await phone.getByRole("group", { name: /I consent to be treated/ }).getByLabel("Yes").check();
  await phone.getByLabel("Full name").fill("Ana Silva");
  await phone.getByRole("button", { name: "Submit form" }).click();
  await expect(phone.getByText("Answer \"Signature\": it is required.")).toBeVisible();
  await expectAccessible(phone);
  // Without a pointer, the typed name is drawn; cleared, the box is back.
  await phone.getByLabel("Or type your name to sign").fill("Ana Silva");
  await phone.getByRole("button", { name: "Sign with this name" }).click();
  await expect(phone.getByRole("img", { name: "Your signature" })).toBeVisible();
  await phone.getByRole("button", { name: "Clear signature" }).click();
  const pad = phone.getByRole("img", { name: "Signature box" });
  const box = (await pad.boundingBox())!;
  await phone.mouse.move(box.x + 20, box.y + box.height / 2);
  await phone.mouse.down();
  for (let step = 1; step <= 12; step++) {
    await phone.mouse.move(box.x + 20 + step * (box.width - 40) / 12, box.y + box.height / 2 + (step % 2 ? -15 : 15));
  }
  await phone.mouse.up();
  await expect(phone.getByRole("img", { name: "Your signature" })).toBeVisible();
  await expectNoHorizontalScroll(phone);
  await phone.getByRole("button", { name: "Submit form" }).click();
  await expect(phone.getByRole("status")).toContainText("Submitted on");
  await expect(phone.getByRole("img", { name: "Signature (drawn)" })).toBeVisible();
  await expectAccessible(phone);
  await phone.getByRole("link", { name: "← Your forms" }).click();
  await expect(phone.getByText("Submitted")).toHaveCount(2);

  // The link worked once.
  await open(phone, link);
  await expect(phone.getByText("This invitation was already used")).toBeVisible();
  await context.close();

  // The practice sees the portal login: a green row.
  await open(page, `/p/${practice}/clients`);
  const row = page.getByRole("row", { name: /Ana Silva/ });
  await expect(row).toContainText("Has an account");
  await expect(row).toHaveClass(/row-green/);

  // Client details: both submissions, with the drawn signature.
  await page.getByRole("link", { name: "Ana Silva", exact: true }).click();
  const submitted = page.locator("#forms");
  await expect(submitted.getByText("Submitted", { exact: true })).toHaveCount(2);
  await submitted.getByRole("button", { name: "Answers to Consent to treatment" }).click();
  await expect(submitted.getByRole("img", { name: "Signature (drawn)" })).toBeVisible();
  await expect(submitted.getByText("Ana Silva")).toBeVisible();
});

test("a dead portal link says so and asks the practice for a new one", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "patients open their invitation on a phone");
  const owner = uniqueEmail(testInfo, "owner");
  const bea = uniqueEmail(testInfo, "bea");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];
  const client = await addClient(page, practice, "Bea", "Lopes", bea);
  await inviteToPortal(page, practice, client);
  const first = linkIn(await nthMailTo(request, bea, 1));
  await inviteToPortal(page, practice, client); // resent: the first link dies
  await nthMailTo(request, bea, 2);

  const context = await browser.newContext({ ...devices["Pixel 7"], baseURL: APP_URL });
  const phone = await context.newPage();
  await open(phone, first);
  await expect(phone.getByRole("alert")).toContainText("replaced by a newer one");
  await phone.getByRole("button", { name: "Ask the practice for a new invitation" }).click();
  await expect(phone.getByRole("status")).toContainText("We told Harbour Clinic.");
  await context.close();
  // The practice's contact address hears of it (every test's practice shares that address).
  await expect
    .poll(async () => (await mailsTo(request, "desk@harbour.example")).filter((m) => m.text.includes(`/clients/${client}`)).map((m) => m.subject))
    .toEqual(["Bea Lopes asks for a new portal invitation"]);
});
