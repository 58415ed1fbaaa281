import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, createPractice, finishSignUp, linkIn, logIn, logOut, nthMailTo, open, signUp, uniqueEmail } from "./helpers";

// Three ways onto a team, each on a desktop and on a phone: an admin decides
// join requests on the Team page; an invitee who has an account logs in and
// comes back to the invitation; a newcomer signs up from a join link and the
// link survives the confirmation email.

const practiceNav = (page: Page) => page.getByRole("navigation", { name: "Practice" });

/** Turns the join link on from Settings → Details and returns its path. */
async function turnOnJoinLink(page: Page, approval: boolean): Promise<string> {
  await practiceNav(page).getByRole("link", { name: "Settings" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  // On by default: joiners wait for an admin.
  const wait = page.getByLabel("New members wait until an admin approves them");
  await expect(wait).toBeChecked();
  await wait.setChecked(approval);
  await page.getByRole("button", { name: "Turn on the join link" }).click();
  const field = page.getByLabel("The link");
  await expect(field).toHaveValue(/\/join\/\S+/);
  return new URL(await field.inputValue()).pathname;
}

async function askToJoin(page: Page, request: Parameters<typeof signUp>[1], email: string, name: string, link: string) {
  await signUp(page, request, email, name);
  await open(page, link);
  await page.getByRole("button", { name: "Join the team" }).click();
  await expect(page.getByRole("status")).toContainText("Your request was sent.");
  await logOut(page);
}

test("an admin approves one join request with a role and rejects another", async ({ page, request }, testInfo) => {
  const owner = uniqueEmail(testInfo, "owner");
  const [kept, refused] = ["kept", "refused"].map((w) => uniqueEmail(testInfo, w));
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  const link = await turnOnJoinLink(page, true);
  await logOut(page);
  await askToJoin(page, request, kept, "Kim Kept", link);
  await askToJoin(page, request, refused, "Rey Refused", link);

  await logIn(page, owner, PASSWORD);
  await expect(page.getByText("Your role:")).toContainText("Owner");
  await practiceNav(page).getByRole("link", { name: "Team" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Asked to join" })).toBeVisible();
  // The role list holds only roles the owner may give: never Owner.
  const role = page.getByLabel(`Role for ${kept}`);
  await expect(role.getByRole("option", { name: "Owner" })).toHaveCount(0);
  await role.selectOption({ label: "Staff (Full)" });
  await page.getByRole("button", { name: `Approve ${kept}` }).click();
  await expect(page.getByRole("row", { name: /Kim Kept/ })).toContainText("Staff (Full)");

  await page.getByRole("button", { name: `Reject ${refused}` }).click();
  const confirm = page.getByRole("dialog", { name: `Reject ${refused}?` });
  await expect(confirm).toContainText("They will not join the team.");
  await confirm.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByRole("button", { name: `Reject ${refused}` })).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Rey Refused/ })).toHaveCount(0);
  await logOut(page);

  // The approved person is in, at the level given, and sees no Team section.
  await logIn(page, kept, PASSWORD);
  await expect(page.getByText("Your role:")).toContainText("Staff (Full)");
  await expect(practiceNav(page).getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(practiceNav(page).getByRole("link", { name: "Team" })).toHaveCount(0);
  await logOut(page);
  // The rejected one has no practice to go to.
  await logIn(page, refused, PASSWORD);
  await expect(page).toHaveURL(/\/practices\/new$/);
});

test("an invitee with an account logs in to accept and comes back to the invitation", async ({ page, request }, testInfo) => {
  const owner = uniqueEmail(testInfo, "owner");
  const invitee = uniqueEmail(testInfo, "member");
  await signUp(page, request, invitee, "Mo Member");
  await logOut(page);
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  await practiceNav(page).getByRole("link", { name: "Team" }).click();
  await page.getByRole("link", { name: "Invite people" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Email addresses").fill(invitee);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("1 invitation(s) sent");
  await logOut(page);

  const invitation = linkIn(await nthMailTo(request, invitee, 2));
  await open(page, invitation);
  await page.getByRole("link", { name: "Log in to accept" }).click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Email or username").fill(invitee);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  // Back on the very invitation, signed in.
  await expect(page).toHaveURL(new RegExp(`${invitation.replace(/[.?+]/g, "\\$&")}$`));
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.getByText("Your role:")).toContainText("Practitioner");
});

test("a newcomer signs up from a join link and the link survives the confirmation email", async ({ page, request }, testInfo) => {
  const owner = uniqueEmail(testInfo, "owner");
  const newcomer = uniqueEmail(testInfo, "newcomer");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  const link = await turnOnJoinLink(page, false);
  await logOut(page);

  await open(page, link);
  await page.getByRole("link", { name: "Create an account to join" }).click();
  await expect(page).toHaveURL(/\/signup\?next=/);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Full name").fill("Nia Newcomer");
  await page.getByLabel("Email").fill(newcomer);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText("Check your email");

  await finishSignUp(page, await nthMailTo(request, newcomer, 1), newcomer);
  // The confirmation carried the join link: the newcomer lands on it, not on "create a practice".
  await expect(page).toHaveURL(new RegExp(`${link}$`));
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByRole("button", { name: "Join the team" }).click();
  await expect(page.getByText("Your role:")).toContainText("Practitioner");
});
