import { devices, expect, type APIRequestContext, type Browser, type Page, type TestInfo } from "@playwright/test";
import { APP_URL, MAILDEV_URL } from "../playwright.config";

export const PASSWORD = "correct horse battery";

/** A fresh address for each test and viewport, so runs never collide. */
export function uniqueEmail(testInfo: TestInfo, who: string): string {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  return `${who}-${testInfo.project.name}-${stamp}@example.org`;
}

/** Until the WASM has hydrated, a form would post natively: wait for it. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

interface MaildevMessage {
  subject: string;
  text: string;
  to: { address: string }[];
  date: string;
}

/** Every message the SMTP server received for `address`, oldest first. */
export async function mailsTo(request: APIRequestContext, address: string): Promise<MaildevMessage[]> {
  const response = await request.get(`${MAILDEV_URL}/email`);
  expect(response.ok()).toBeTruthy();
  const all = (await response.json()) as MaildevMessage[];
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}

/** Waits for the `count`-th message to `address` to arrive over SMTP and returns it. */
export async function nthMailTo(request: APIRequestContext, address: string, count: number): Promise<MaildevMessage> {
  await expect.poll(async () => (await mailsTo(request, address)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  return (await mailsTo(request, address))[count - 1];
}

/** The first link in a message, made relative so the test stays on the app's origin. */
export function linkIn(message: MaildevMessage): string {
  const match = message.text.match(/https?:\/\/\S+/);
  expect(match, `a link in: ${message.text}`).not.toBeNull();
  const url = new URL(match![0]);
  return url.pathname + url.search;
}

/** Signs up through the pages and the emailed link; ends on the create-practice page. */
export async function signUpThroughPages(page: Page, request: APIRequestContext, email: string, name = "Ada Lovelace") {
  await open(page, "/signup");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status")).toContainText("Check your email");
  const mail = await nthMailTo(request, email, 1);
  expect(mail.subject).toBe("Finish creating your Carekeys account");
  await finishSignUp(page, mail, email);
  await expect(page).toHaveURL(/\/practices\/new$/);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/**
 * Signs up by calling the server functions the sign-up pages call, with the
 * emailed link, for tests whose subject comes after; the session lands in the
 * page's browser context. Ends on the create-practice page.
 */
export async function signUp(page: Page, request: APIRequestContext, email: string, name = "Ada Lovelace") {
  const headers = { Origin: APP_URL, "Content-Type": "application/x-www-form-urlencoded" };
  const form = new URLSearchParams({ "form[full_name]": name, "form[email]": email });
  expect((await page.request.post("/api/sign_up", { headers, data: form.toString() })).ok()).toBeTruthy();
  const mail = await nthMailTo(request, email, 1);
  expect(mail.subject).toBe("Finish creating your Carekeys account");
  const token = new URL(linkIn(mail), APP_URL).searchParams.get("token")!;
  const confirm = new URLSearchParams({ token, password: PASSWORD });
  expect((await page.request.post("/api/confirm_sign_up", { headers, data: confirm.toString() })).ok()).toBeTruthy();
  await open(page, "/practices/new");
}

/** Opens the emailed sign-up link and chooses the password there (whoever reads the mailbox does). */
export async function finishSignUp(page: Page, mail: MaildevMessage, email: string) {
  await open(page, linkIn(mail));
  await expect(page.getByText("Your login will be")).toContainText(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Finish creating my account" }).click();
}

export async function createPractice(page: Page, name: string) {
  await page.getByLabel("Practice name").fill(name);
  await page.getByLabel("Contact email").fill("desk@harbour.example");
  await page.getByLabel("Time zone").selectOption("Europe/Oslo");
  await page.getByRole("button", { name: "Create practice" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

export async function logIn(page: Page, login: string, password: string) {
  await open(page, "/login");
  await page.getByLabel("Email or username").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

/** Opens Team from the practice navigation. */
export async function toTeam(page: Page) {
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Team" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Team" })).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** Opens Invite people and types `text` into the address field. */
export async function inviteTyped(page: Page, text: string) {
  await toTeam(page);
  await page.getByRole("link", { name: "Invite people" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Email addresses").fill(text);
}

/** Fails the test if the page, or a table inside it, scrolls sideways (the 360 px rule). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const sideways = await page.locator(".table-wrap").evaluateAll((wraps) => wraps.filter((w) => w.scrollWidth > w.clientWidth).length);
  expect(sideways, "tables that scroll sideways").toBe(0);
}

/** axe-core's WCAG 2.2 A/AA rules find nothing on the page as it is now (ui.md). */
export async function expectAccessible(page: Page) {
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, "axe-core violations").toEqual([]);
}

/** Adds a client through the server function the Add client form calls; returns the client's id. */
export async function addClient(page: Page, practice: string, first: string, last: string, email: string): Promise<string> {
  const response = await page.request.post("/api/add_client", {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data: { practice, form: { first_name: first, last_name: last, email, date_of_birth: "" } },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  return (await response.json()) as string;
}

/** Sends a portal invitation through the server function the Invite form calls. */
export async function inviteToPortal(page: Page, practice: string, client: string, forms: string[] = []) {
  const response = await page.request.post("/api/invite_to_portal", {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data: { practice, request: { clients: [client], message: "Hi {client_first_name}: {invite_link}", forms, save_as_default: false } },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
}

/** Calls server function `fn` with a JSON body as the page's signed-in person; answers its JSON. */
export async function call(page: Page, fn: string, data: object) {
  const response = await page.request.post(`/api/${fn}`, {
    headers: { Origin: APP_URL, "Content-Type": "application/json" },
    data,
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  return response.json();
}

/** A phone of its own (its own cookies), 360 px wide if asked. */
export async function phone(browser: Browser, width?: number): Promise<Page> {
  const pixel = devices["Pixel 7"];
  const context = await browser.newContext({
    ...pixel,
    viewport: width ? { width, height: 780 } : pixel.viewport,
    baseURL: APP_URL,
  });
  return context.newPage();
}

/** What Add user sets for a role: `staff` with a level, or `practitioner`. */
export interface TeamUser {
  name: string;
  role: "admin" | "practitioner" | "staff";
  level?: "full" | "read_write" | "read_only";
  chat?: boolean;
  signs?: boolean;
}

/**
 * Adds a username user as Add user does, then logs them in from a browser of
 * their own and has them choose their password; answers that browser's page,
 * on the practice's dashboard.
 */
export async function teamUserPage(browser: Browser, owner: Page, practice: string, user: TeamUser): Promise<Page> {
  const username = `${user.name.toLowerCase().replace(/\W/g, "")}-${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
  const added = await call(owner, "add_member", {
    practice,
    form: {
      full_name: user.name, public_name: "", login_kind: "Username", login: username, contact_email: `${username}@team.example`, mobile: "",
      pms_id: "", screen_pop: "", position: user.signs ? "doctor" : "receptionist", role: user.role, access_level: user.level ?? "",
      flags: { show_in_app: false, chat_user: user.chat ?? true, default_doctor: false, can_sign_forms: user.signs ?? false, can_invite_clients: false },
      active: true,
    },
  });
  const context = await browser.newContext({ baseURL: APP_URL });
  const page = await context.newPage();
  await logIn(page, username, added.one_time_password);
  await expect(page).toHaveURL(/\/change-password\?next=/);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Current password", { exact: true }).fill(added.one_time_password);
  await page.getByLabel("New password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Save password" }).click();
  await expect(page.getByText("Your role:")).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  return page;
}
