import { devices, expect, test, type Page } from "@playwright/test";
import { APP_URL } from "../playwright.config";
import { addClient, createPractice, inviteToPortal, linkIn, nthMailTo, signUp, uniqueEmail } from "./helpers";

// What a phone downloads: compressed, fingerprinted, cached assets (issue
// "Fast first visit on a phone"). Sizes are asserted against their budgets;
// times are printed, never asserted.

const FIRST_VISIT_BUDGET = 400 * 1024;
const REPEAT_VISIT_BUDGET = 30 * 1024;
// Issue "Performance and scale", item 7: the main bundle and the pieces of
// the practice console's first page, not every page (`pages::lazy`). The
// issue's aim is 300 KB; this guards what splitting reached (334 KB). The
// community's pages (Members, Client details' readings) brought it to 360 KB;
// messages and the header's grouped switcher (multi-location) to 365.7 KB.
const ADMIN_FIRST_PAGE_BUDGET = 370 * 1024;
// Item 7's own line: the WASM of that first page (main module and the
// dashboard's pieces), brotli. The aim is 300 KB; it measured 335.2 KB (main
// module 268 KB), so this guards what there is until the main module shrinks.
const ADMIN_FIRST_WASM_BUDGET = 340 * 1024;
// Issue "Clients and the client portal": the WASM and JavaScript of a
// patient's first visit, which the portal's own bundle carries (`portal_app`).
// The issue aims at 150 KB; the bundle measured 265 KB, nearly all of it
// Leptos, serde_json and the standard library (our code: ~43 KB raw of
// 918 KB), so this guards that no console code comes back. The community's
// pages (invitation, join page, readings) joined the portal: 299 KB.
const PORTAL_FIRST_CODE_BUDGET = 310 * 1024;

/** The hashed WASM, JS and CSS a page names. */
async function assetPaths(request: Parameters<typeof signUp>[1]): Promise<string[]> {
  const html = await (await request.get("/login")).text();
  const paths = [...html.matchAll(/\/pkg\/carekeys\.[A-Za-z0-9_-]+\.(wasm|js|css)/g)].map((m) => m[0]);
  return [...new Set(paths)];
}

test("assets are precompressed, fingerprinted and kept; pages are not", async ({ request }) => {
  const paths = await assetPaths(request);
  expect(paths.map((p) => p.split(".").pop()).sort()).toEqual(["css", "js", "wasm"]);
  const wasm = paths.find((p) => p.endsWith(".wasm"))!;
  const br = await request.get(wasm, { headers: { "Accept-Encoding": "br" } });
  expect(br.headers()["content-encoding"]).toBe("br");
  expect(br.headers()["vary"]?.toLowerCase()).toContain("accept-encoding");
  expect(br.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  const gzip = await request.get(wasm, { headers: { "Accept-Encoding": "gzip" } });
  expect(gzip.headers()["content-encoding"]).toBe("gzip");
  const identity = await request.get(wasm, { headers: { "Accept-Encoding": "identity" } });
  expect(identity.headers()["content-encoding"]).toBeUndefined();
  const bytes = await identity.body();
  expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x00, 0x61, 0x73, 0x6d])); // "\0asm": the real module
  // Pages are compressed on the fly and never stored.
  const page = await request.get("/login", { headers: { "Accept-Encoding": "br" } });
  expect(page.headers()["content-encoding"]).toBe("br");
  expect(page.headers()["cache-control"]).toBe("no-store");
  // A page opened from an emailed link carries its token: never compressed (BREACH).
  const invitation = await request.get("/invitation?token=abc", { headers: { "Accept-Encoding": "br, gzip" } });
  expect(invitation.headers()["content-encoding"]).toBeUndefined();
});

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Bytes over the wire for one navigation, as Chromium counts them (headers
 * and bodies): all of them, those of WASM and JavaScript (`code`), and of WASM alone. */
async function visit(page: Page, path: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  let bytes = 0;
  let code = 0;
  let wasm = 0;
  const urls = new Map<string, string>();
  cdp.on("Network.responseReceived", (event) => {
    urls.set(event.requestId, new URL(event.response.url).pathname);
  });
  cdp.on("Network.loadingFinished", (event) => {
    bytes += event.encodedDataLength;
    const path = urls.get(event.requestId) ?? "";
    if (/\.(wasm|js)$/.test(path)) code += event.encodedDataLength;
    if (path.endsWith(".wasm")) wasm += event.encodedDataLength;
  });
  await page.goto(path);
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.waitForLoadState("networkidle");
  const lcp = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1].startTime);
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
  const hydrated = Number(await page.locator("body").getAttribute("data-hydrated-at"));
  await cdp.detach();
  return { bytes, code, wasm, lcp, hydrated, paths: [...urls.values()] };
}

test("a phone's first visit to an invitation stays small, and a repeat visit is almost free", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "measured as patients and invitees open it: on a phone");
  const owner = uniqueEmail(testInfo, "owner");
  const invitee = uniqueEmail(testInfo, "invitee");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Team" }).click();
  await page.getByRole("link", { name: "Invite people" }).click();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  await page.getByLabel("Email addresses").fill(invitee);
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("1 invitation(s) sent");
  const link = linkIn(await nthMailTo(request, invitee, 1));

  // A browser that has never seen Carekeys.
  const context = await browser.newContext({ ...devices["Pixel 7"], baseURL: APP_URL });
  const phone = await context.newPage();
  const first = await visit(phone, link);
  await expect(phone.getByRole("heading", { name: "Join Harbour Clinic" })).toBeVisible();
  const repeat = await visit(phone, link);
  await context.close();
  const figures =
    `first visit ${kb(first.bytes)}, LCP ${first.lcp.toFixed(0)} ms, hydrated at ${first.hydrated} ms; ` +
    `repeat visit ${kb(repeat.bytes)}, LCP ${repeat.lcp.toFixed(0)} ms, hydrated at ${repeat.hydrated} ms ` +
    `(Pixel 7, 4× CPU slowdown, loopback)`;
  console.log(`invitation page: ${figures}`);
  testInfo.annotations.push({ type: "figures", description: figures });
  expect(first.bytes).toBeLessThanOrEqual(FIRST_VISIT_BUDGET);
  expect(repeat.bytes).toBeLessThanOrEqual(REPEAT_VISIT_BUDGET);
});

test("an admin's first page downloads the console's frame and that page, not every page", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "admins work at a desk");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const dashboard = new URL(page.url()).pathname;

  // The same session in a browser with nothing cached: a bookmark opened the next morning.
  const storageState = await page.context().storageState();
  const context = await browser.newContext({ ...devices["Desktop Chrome"], baseURL: APP_URL, storageState });
  const desk = await context.newPage();
  const first = await visit(desk, dashboard);
  await expect(desk.getByRole("heading", { level: 1, name: "Harbour Clinic" })).toBeVisible();
  // Navigating on fetches the next page's piece; the page works.
  await desk.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Team" }).click();
  await expect(desk.getByRole("link", { name: "Invite people" })).toBeVisible();
  await context.close();
  const figures = `first visit ${kb(first.bytes)} of which WASM ${kb(first.wasm)}, LCP ${first.lcp.toFixed(0)} ms, hydrated at ${first.hydrated} ms (desktop, 4× CPU slowdown, loopback)`;
  console.log(`admin's dashboard: ${figures}`);
  testInfo.annotations.push({ type: "figures", description: figures });
  expect(first.bytes).toBeLessThanOrEqual(ADMIN_FIRST_PAGE_BUDGET);
  expect(first.wasm).toBeLessThanOrEqual(ADMIN_FIRST_WASM_BUDGET);
});

test("a patient's first visit to a portal invitation downloads the portal's own bundle, not the console", async ({ browser, page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "mobile", "patients open their invitation on a phone");
  const ana = uniqueEmail(testInfo, "ana");
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];
  await inviteToPortal(page, practice, await addClient(page, practice, "Ana", "Silva", ana));
  const link = linkIn(await nthMailTo(request, ana, 1));

  const context = await browser.newContext({ ...devices["Pixel 7"], baseURL: APP_URL });
  const phone = await context.newPage();
  const first = await visit(phone, link);
  await expect(phone.getByRole("heading", { level: 1, name: "Harbour Clinic client portal" })).toBeVisible();
  // Hydrated by the portal's bundle: the form works in the browser, no console code came.
  await phone.getByLabel("Choose a password").fill("short");
  await phone.getByRole("button", { name: "Create my portal login" }).click();
  await expect(phone.getByText("at least 10 characters", { exact: false }).last()).toBeVisible();
  await context.close();
  expect(first.paths.filter((p) => p.endsWith(".wasm"))).toEqual([expect.stringMatching(/^\/pkg\/portal\.[0-9a-f]+\.wasm$/)]);
  const figures =
    `first visit ${kb(first.bytes)} of which WASM and JS ${kb(first.code)}, LCP ${first.lcp.toFixed(0)} ms, ` +
    `hydrated at ${first.hydrated} ms (Pixel 7, 4× CPU slowdown, loopback)`;
  console.log(`portal invitation page: ${figures}`);
  testInfo.annotations.push({ type: "figures", description: figures });
  expect(first.code).toBeLessThanOrEqual(PORTAL_FIRST_CODE_BUDGET);
});
