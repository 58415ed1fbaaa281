import { expect, test, type Page } from "@playwright/test";
import { APP_URL } from "../playwright.config";
import {
  addClient,
  call,
  createPractice,
  expectAccessible,
  expectNoHorizontalScroll,
  inviteToPortal,
  linkIn,
  mailsTo,
  nthMailTo,
  open,
  phone,
  signUp,
  teamUserPage,
  uniqueEmail,
} from "./helpers";

// Messages to clients, their history, opting out and co-signed forms (issue
// "Messages to clients…", product.md §3, §7). The role table is tried cell by
// cell on the server (messages.rs, cosigned_forms.rs, the access test); here:
// the pages, the real SMTP server, and a phone.

async function toClient(page: Page, practice: string, client: string) {
  await open(page, `/p/${practice}/clients/${client}`);
  await expect(page.locator("#messages")).toBeVisible();
}

test("staff message one client and a batch; read-only staff see the history and cannot send", async ({ page, request, browser }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "messages are written at a desk");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];
  const family = `Moreira${Date.now() % 100000}`;
  const [ana, bruno, carla] = ["ana", "bruno", "carla"].map((who) => uniqueEmail(testInfo, who));
  const anaId = await addClient(page, practice, "Ana", family, ana);
  await addClient(page, practice, "Bruno", family, bruno);
  const carlaId = await addClient(page, practice, "Carla", family, carla);

  // The owner opts Carla out in her details.
  await toClient(page, practice, carlaId);
  const carlaMessages = page.locator("#messages");
  await expect(carlaMessages).toContainText("Receives messages.");
  await carlaMessages.getByRole("button", { name: "Opt out of messages" }).click();
  await expect(carlaMessages).toContainText("Opted out of messages by the team");
  await expect(carlaMessages.getByRole("button", { name: "Opt in again" })).toBeVisible();
  await expect(carlaMessages.getByText("Send a message")).toHaveCount(0);

  // A Read-write member sends Ana one message, seen in the preview first.
  const writer = await teamUserPage(browser, page, practice, { name: "Rita Writer", role: "staff", level: "read_write" });
  await toClient(writer, practice, anaId);
  const messages = writer.locator("#messages");
  await expect(messages.getByText("No messages yet.")).toBeVisible();
  await messages.getByText("Send a message").click();
  await messages.getByRole("button", { name: `Send to Ana ${family}` }).click();
  await expect(messages.getByText("Enter a subject.")).toBeVisible();
  await messages.getByLabel("Subject").fill("Your results");
  await messages.getByLabel("Message", { exact: true }).fill("Dear {client_first_name}, see {invite_link}");
  await expect(messages.getByText(/Unknown placeholder \{invite_link\}/)).toBeVisible();
  await messages.getByLabel("Message", { exact: true }).fill("Dear ");
  await messages.getByRole("button", { name: "{client_first_name}" }).click();
  await messages.getByLabel("Message", { exact: true }).press("End");
  await messages.getByLabel("Message", { exact: true }).pressSequentially(", your results are in. All is well.");
  const preview = messages.getByLabel("Email preview");
  await expect(preview).toContainText("Subject: Your results");
  await expect(preview).toContainText("Dear Ana, your results are in. All is well.");
  await expect(preview).toContainText("To receive no more messages");
  await expectAccessible(writer);
  await messages.getByRole("button", { name: `Send to Ana ${family}` }).click();
  await expect(messages.locator(".history-message").getByText("Your results", { exact: true })).toBeVisible();
  const first = await nthMailTo(request, ana, 1);
  expect(first.subject).toBe("Your results");
  expect(first.text).toContain("Dear Ana, your results are in. All is well.");
  expect(first.text).toContain("/portal/unsubscribe?token=");
  // Read-write may not send batches: no Message clients button.
  await open(writer, `/p/${practice}/clients`);
  await expect(writer.getByRole("button", { name: "Message clients" })).toHaveCount(0);
  await writer.context().close();

  // A Full member sends a batch to everyone matching the family name: Carla is skipped.
  const full = await teamUserPage(browser, page, practice, { name: "Fatima Full", role: "staff", level: "full" });
  await open(full, `/p/${practice}/clients`);
  await full.getByLabel("Search").fill(family);
  await full.getByRole("button", { name: "Search" }).click();
  await expect(full.getByRole("row")).toHaveCount(4);
  await full.getByRole("button", { name: "Message clients" }).click();
  await expect(full.getByText(`All 3 clients matching “${family}”`)).toBeVisible();
  await full.getByLabel("Subject").fill("Holiday hours");
  await full.getByLabel("Message", { exact: true }).fill("Dear {client_first_name}, we close on 24 December.");
  await full.getByRole("button", { name: "Send to all 3 matching clients" }).click();
  const report = full.locator(".batch-message").getByRole("status");
  await expect(report).toContainText("2 message(s) queued, 1 skipped.");
  await expect(report).toContainText(`Carla ${family}: Opted out of messages.`);
  await expect(report).toContainText("All 2 delivered.");
  expect((await nthMailTo(request, bruno, 1)).text).toContain("Dear Bruno, we close on 24 December.");
  expect((await nthMailTo(request, ana, 2)).subject).toBe("Holiday hours");
  // The outbox delivers in order: with both in, Carla's would be too.
  expect(await mailsTo(request, carla)).toHaveLength(0);
  await expectAccessible(full);
  await full.context().close();

  // Read only: the whole history, no Send control, no opt-out switch; the server refuses a direct call.
  const reader = await teamUserPage(browser, page, practice, { name: "Otto Reader", role: "staff", level: "read_only" });
  await toClient(reader, practice, anaId);
  const history = reader.locator("#messages");
  await expect(history.locator(".history-message")).toHaveCount(2);
  await expect(history.getByText("Holiday hours")).toBeVisible();
  await history.getByText("Your results", { exact: true }).click();
  await expect(history.getByText("Dear Ana, your results are in. All is well.")).toBeVisible();
  await expect(history).toContainText("by Rita Writer");
  await expect(history.getByText("Sent").first()).toBeVisible();
  await expect(history.getByText("Send a message")).toHaveCount(0);
  await expect(history.getByRole("button", { name: "Opt out of messages" })).toHaveCount(0);
  const refused = await reader.request.post("/api/send_message", {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data: { practice, client: anaId, draft: { subject: "Hi", body: "Hi" } },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toBe("Forbidden");
  await reader.context().close();
});

test("a client unsubscribes on a 360 px phone and the next batch skips them", async ({ page, request, browser }, testInfo) => {
  test.skip(testInfo.project.name === "desktop", "a phone's scenario");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];
  const [ana, bruno] = ["ana", "bruno"].map((who) => uniqueEmail(testInfo, who));
  const anaId = await addClient(page, practice, "Ana", "Silva", ana);
  await addClient(page, practice, "Bruno", "Alves", bruno);
  await call(page, "send_message", { practice, client: anaId, draft: { subject: "Welcome", body: "Dear {client_first_name}, welcome." } });
  const mail = await nthMailTo(request, ana, 1);
  const link = linkIn(mail);
  expect(link).toMatch(/^\/portal\/unsubscribe\?token=/);

  const ana360 = await phone(browser, 360);
  await open(ana360, link);
  await expect(ana360.getByText("Stop receiving messages from Harbour Clinic?")).toBeVisible();
  await expectNoHorizontalScroll(ana360);
  await expectAccessible(ana360);
  await ana360.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(ana360.getByRole("status")).toContainText("Done: you will receive no more messages from Harbour Clinic.");
  await expect(ana360.getByText("Portal invitations and security emails")).toBeVisible();
  await expectNoHorizontalScroll(ana360);
  // The same link again says it is done.
  await open(ana360, link);
  await expect(ana360.getByRole("status")).toContainText("Done:");
  await ana360.context().close();

  const report = await call(page, "send_batch", {
    practice,
    request: { recipients: { Matching: { search: "" } }, draft: { subject: "News", body: "Dear {client_first_name}, news." } },
  });
  expect(report.queued).toBe(1);
  expect(report.skipped).toEqual([{ client: anaId, name: "Ana Silva", why: "OptedOut" }]);
  expect((await nthMailTo(request, bruno, 1)).subject).toBe("News");
  expect(await mailsTo(request, ana)).toHaveLength(1);
  await toClient(page, practice, anaId);
  await expect(page.locator("#messages")).toContainText("Unsubscribed by the client");
});

test("a doctor co-signs a submitted form; a member without the flag cannot", async ({ page, request, browser, playwright }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "co-signing happens at a desk");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];
  const ana = uniqueEmail(testInfo, "ana");
  const anaId = await addClient(page, practice, "Ana", "Silva", ana);
  const forms = (await call(page, "intake_forms", { practice })) as { id: string; title: string }[];
  const consent = forms.find((f) => f.title === "Consent to treatment")!.id;
  await inviteToPortal(page, practice, anaId, [consent]);
  const token = new URL(linkIn(await nthMailTo(request, ana, 1)), APP_URL).searchParams.get("token")!;
  const client = await playwright.request.newContext({ baseURL: APP_URL });
  expect((await client.post("/api/portal_sign_up", { headers: { Origin: APP_URL }, form: { token, password: "a long patient password" } })).ok()).toBeTruthy();
  // The client hands the form in, signed (a 1×1 PNG as a canvas makes one).
  const details = await call(page, "client", { practice, client: anaId });
  const request_id = details.forms[0].id;
  const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  const saved = await client.post("/api/save_portal_form", {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data: { id: request_id, save: { answers: ["yes", "Ana Silva", png], completion: "Submit" } },
  });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  await client.dispose();

  // Without the flag: no To sign in the navigation, and the server refuses.
  const staff = await teamUserPage(browser, page, practice, { name: "Fatima Full", role: "staff", level: "full" });
  await expect(staff.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "To sign" })).toHaveCount(0);
  for (const [fn, data] of [
    ["forms_to_sign", { practice }],
    ["cosign_form", { practice, form: request_id, signature: png }],
  ] as const) {
    const refused = await staff.request.post(`/api/${fn}`, { headers: { Origin: APP_URL, "Content-Type": "application/json" }, data });
    expect(refused.status(), fn).toBe(403);
  }
  await staff.context().close();

  // The doctor finds it in To sign, reads the answers, signs, and it leaves the inbox.
  const doctor = await teamUserPage(browser, page, practice, { name: "Dora Doctor", role: "practitioner", signs: true });
  await doctor.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "To sign" }).click();
  await expect(doctor.getByRole("heading", { level: 1, name: "To sign" })).toBeVisible();
  await doctor.getByRole("button", { name: "Read and sign Consent to treatment of Ana Silva" }).click();
  await expect(doctor.getByText("Ana Silva").last()).toBeVisible();
  await doctor.getByRole("button", { name: "Co-sign" }).click();
  await expect(doctor.getByText("Draw your signature in the box.")).toBeVisible();
  const pad = doctor.getByRole("img", { name: "Signature box" });
  const box = (await pad.boundingBox())!;
  await doctor.mouse.move(box.x + 20, box.y + box.height / 2);
  await doctor.mouse.down();
  for (let step = 1; step <= 10; step++) {
    await doctor.mouse.move(box.x + 20 + step * (box.width - 40) / 10, box.y + box.height / 2 + (step % 2 ? -12 : 12));
  }
  await doctor.mouse.up();
  await expect(doctor.getByRole("img", { name: "Your signature" })).toBeVisible();
  await expectAccessible(doctor);
  await doctor.getByRole("button", { name: "Co-sign" }).click();
  await expect(doctor.getByRole("status")).toContainText("Co-signed.");
  await expect(doctor.getByText("Nothing to sign")).toBeVisible();
  await doctor.context().close();

  // The practice sees who co-signed, with the signature.
  await open(page, `/p/${practice}/clients/${anaId}`);
  const formsCard = page.locator("#forms");
  await expect(formsCard.getByText(/Co-signed by Dora Doctor/)).toBeVisible();
  await formsCard.getByRole("button", { name: "Answers to Consent to treatment" }).click();
  await expect(formsCard.getByRole("img", { name: "Co-signature (drawn)" })).toBeVisible();
});
