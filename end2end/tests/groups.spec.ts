import { expect, test, type Page } from "@playwright/test";
import { APP_URL } from "../playwright.config";
import { addClient, createPractice, expectAccessible, open, signUp, teamUserPage, toTeam, uniqueEmail } from "./helpers";

// Multi-location groups (issue "Multi-location groups…", product.md §2
// Group, §4). The rules — acceptance by the other Owner, nothing above the
// admin's own role, what leaving takes back, audit per practice — are tried
// on both databases in server/tests/it/groups.rs; here: the pages, the
// header's switcher and a refused request after access is withdrawn.

/** The id in `/p/<id>/…`. */
function practiceOf(page: Page): string {
  return new URL(page.url()).pathname.split("/")[2];
}

/** Presses Save access on Edit user and waits for the server's answer. */
async function saveAccess(page: Page) {
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/set_member_places"));
  await page.locator("section.places").getByRole("button", { name: "Save access" }).click();
  expect((await answered).ok()).toBeTruthy();
  await expect(page.locator("section.places").getByRole("status")).toContainText("Saved");
}

async function toGroupSettings(page: Page, practice: string) {
  await open(page, `/p/${practice}/settings/group`);
  await expect(page.getByRole("heading", { level: 2, name: "Group", exact: true })).toBeVisible();
}

test("an owner groups two practices; a Practitioner of one works read-only in the other until the access is withdrawn", async ({ page, request, browser }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "groups are run from a desk");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const harbour = practiceOf(page);
  await open(page, "/practices/new");
  await createPractice(page, "Hillside Clinic");
  const hillside = practiceOf(page);
  const stamp = Date.now() % 100000;
  await addClient(page, harbour, "Ana", `Harbour${stamp}`, "");
  await addClient(page, hillside, "Hugo", `Hillside${stamp}`, "");

  // The group starts from Harbour; Hillside is invited by its id...
  await toGroupSettings(page, harbour);
  await page.getByLabel("Group name").fill("North Coast Health");
  await page.getByRole("button", { name: "Create group" }).click();
  // The page loads again (the header's switcher groups practices now).
  await expect(page.getByRole("heading", { level: 3, name: "North Coast Health" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Practice id").fill(hillside);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("joins when its Owner accepts");
  await expect(page.getByText("Invited, waiting for their Owner: Hillside Clinic")).toBeVisible();
  const practices = page.getByRole("table", { name: "Practices of the group" });
  await expect(practices.getByRole("row")).toHaveCount(2); // header + Harbour: not in before it accepts

  // ...and joins when Hillside's Owner accepts there.
  await toGroupSettings(page, hillside);
  await expect(page.getByText("North Coast Health invites this practice")).toBeVisible();
  await page.getByRole("button", { name: "Accept" }).click();
  await expect(practices.getByRole("row")).toHaveCount(3);
  await expect(practices).toContainText("Harbour Clinic");
  await expect(practices).toContainText("Hillside Clinic");
  // The page loaded again: the owner's own switcher shows both under the group.
  await expect(page.locator("#practice-switcher optgroup[label='North Coast Health'] option")).toHaveCount(2);
  await expectAccessible(page);

  // A Practitioner of Harbour is let into Hillside as Staff (Read only).
  const pia = await teamUserPage(browser, page, harbour, { name: "Pia Practitioner", role: "practitioner" });
  await open(page, `/p/${harbour}`);
  await toTeam(page);
  await page.getByRole("link", { name: "Edit Pia Practitioner" }).click();
  const others = page.locator("section.places");
  await expect(others.getByRole("heading", { name: "Other practices" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await others.getByLabel("Allow login to other practices").check();
  await others.getByLabel("Hillside Clinic", { exact: true }).check();
  // The default is her own role there; the owner picks Read only.
  await expect(others.getByLabel("Role at Hillside Clinic")).toHaveValue("practitioner");
  await others.getByLabel("Role at Hillside Clinic").selectOption({ label: "Staff (Read only)" });
  await saveAccess(page);
  await expectAccessible(page);

  // Pia switches in the header: the same session, the role of each practice.
  await open(pia, `/p/${harbour}`);
  const switcher = pia.locator("#practice-switcher");
  await expect(switcher.locator("optgroup[label='North Coast Health'] option")).toHaveText(["Harbour Clinic", "Hillside Clinic"]);
  await switcher.selectOption({ label: "Hillside Clinic" });
  await expect(pia).toHaveURL(new RegExp(`/p/${hillside}$`));
  await expect(pia.locator("body[data-hydrated=true]")).toHaveCount(1);
  await expect(pia.getByText("Your role:")).toContainText("Staff (Read only)");
  await open(pia, `/p/${hillside}/clients`);
  await expect(pia.getByRole("link", { name: `Hugo Hillside${stamp}` })).toBeVisible();
  await expect(pia.getByText("Add client")).toHaveCount(0);
  await expect(pia.getByRole("link", { name: `Ana Harbour${stamp}` })).toHaveCount(0);
  // Read only on the server too: adding a client there is refused.
  const refused = await pia.request.post("/api/add_client", {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data: { practice: hillside, form: { first_name: "Eve", last_name: "Sneak", email: "", date_of_birth: "" } },
  });
  expect(refused.status()).toBe(403);

  await switcher.selectOption({ label: "Harbour Clinic" });
  await expect(pia).toHaveURL(new RegExp(`/p/${harbour}$`));
  await expect(pia.locator("body[data-hydrated=true]")).toHaveCount(1);
  await expect(pia.getByText("Your role:")).toContainText("Practitioner");
  await open(pia, `/p/${harbour}/clients`);
  await expect(pia.getByRole("link", { name: `Ana Harbour${stamp}` })).toBeVisible();
  await expect(pia.getByText("Add client")).toBeVisible();

  // The owner withdraws it; Pia's next request to Hillside is refused.
  await others.getByLabel("Allow login to other practices").uncheck();
  await saveAccess(page);
  const answer = await pia.request.post("/api/practice", {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data: { practice: hillside },
  });
  expect(answer.status()).toBe(404);
  await open(pia, `/p/${hillside}/clients`);
  await expect(pia.getByRole("heading", { name: "Not available" })).toBeVisible();
  await expect(pia.getByText(`Hugo Hillside${stamp}`)).toHaveCount(0);
});
