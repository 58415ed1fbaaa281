import { expect, test } from "@playwright/test";
import { APP_URL } from "../playwright.config";
import { call, createPractice, expectAccessible, linkIn, nthMailTo, open, signUp, uniqueEmail } from "./helpers";

// Intake forms at the practice's desk: the builder in Settings, and Send forms
// to a client who already has a portal login (issue "Clients and the client portal").

test("an admin builds a form, and sends it to a client who has a portal login", async ({ page, request, playwright }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "forms are built and sent at a desk");
  const owner = uniqueEmail(testInfo, "owner");
  const ana = uniqueEmail(testInfo, "ana");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];

  // The builder: each problem named on its field; nothing saved until they hold.
  await open(page, `/p/${practice}/settings/forms`);
  await expect(page.getByRole("link", { name: "Health history" })).toBeVisible();
  await page.getByRole("link", { name: "New form" }).click();
  await expect(page.getByRole("heading", { name: "New form" })).toBeVisible();
  await page.getByRole("button", { name: "Save form" }).click();
  await expect(page.getByText("Enter the form's title.")).toBeVisible();
  await expect(page.getByText("Add at least one field.")).toBeVisible();
  await page.getByLabel("Title").fill("Travel");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Question").fill("Where have you been in the last month?");
  await page.getByLabel("Kind").selectOption("Single choice");
  await page.getByLabel("Options, one per line").fill("Only here");
  await page.getByRole("button", { name: "Save form" }).click();
  await expect(page.getByText("Give at least two options, one per line.")).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Options, one per line").fill("Nowhere\nWithin Europe\nOutside Europe");
  await page.getByLabel("Required").check();
  await page.getByRole("button", { name: "Save form" }).click();
  await expect(page.getByRole("link", { name: "Travel" })).toBeVisible();
  await page.getByRole("link", { name: "Travel" }).click();
  await expect(page.getByLabel("Options, one per line")).toHaveValue("Nowhere\nWithin Europe\nOutside Europe");

  // A client with a portal login: invited, and signed up from the email.
  await call(page, "add_client", { practice, form: { first_name: "Ana", last_name: "Silva", email: ana, date_of_birth: "" } });
  const client = (await call(page, "clients", { practice, query: { search: "", archived: false, page: 0 } })).clients.rows[0].id;
  await call(page, "invite_to_portal", { practice, request: { clients: [client], message: "{invite_link}", forms: [], save_as_default: false } });
  const token = new URLSearchParams(linkIn(await nthMailTo(request, ana, 1)).split("?")[1]).get("token")!;
  const phone = await playwright.request.newContext({ baseURL: APP_URL });
  const signedUp = await phone.post("/api/portal_sign_up", { headers: { Origin: APP_URL }, form: { token, password: "a long patient password" } });
  expect(signedUp.ok(), await signedUp.text()).toBeTruthy();
  await phone.dispose();

  // The green row offers Send forms; it lands on the client's forms.
  await open(page, `/p/${practice}/clients`);
  await page.getByRole("link", { name: "Send forms to Ana Silva" }).click();
  const forms = page.locator("#forms");
  await expect(forms.getByText("No forms asked for yet.")).toBeVisible();
  await forms.getByRole("checkbox", { name: "Travel" }).check();
  await forms.getByRole("button", { name: "Send forms" }).click();
  await expect(forms.getByRole("status")).toContainText("Sent: Travel.");
  const mail = await nthMailTo(request, ana, 2);
  expect(mail.subject).toBe("Harbour Clinic asks you to fill in forms");
  expect(mail.text).toContain("- Travel");
  await expect(forms.getByText("To fill in")).toBeVisible();
  await expectAccessible(page);

  // Not handed in yet: sending it again says so, and sends nothing.
  await forms.getByRole("checkbox", { name: "Travel" }).check();
  await forms.getByRole("button", { name: "Send forms" }).click();
  await expect(forms.getByRole("alert")).toContainText("nothing new to send");
});
