import { expect, test } from "@playwright/test";
import { open } from "./helpers";

test("a server function called from another origin is refused", async ({ request }) => {
  const body = "form[login]=ada%40example.org&form[password]=whatever";
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  const crossSite = await request.post("/api/log_in", { data: body, headers: { ...headers, "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  expect(await crossSite.text()).toContain("came from another site");
  const foreignOrigin = await request.post("/api/log_in", { data: body, headers: { ...headers, Origin: "https://evil.example" } });
  expect(foreignOrigin.status()).toBe(403);
  // The same call from our own origin reaches the function (and fails only on the credentials).
  const sameOrigin = await request.post("/api/log_in", { data: body, headers: { ...headers, Origin: "http://127.0.0.1:3100" } });
  expect(sameOrigin.status()).toBe(401);
});

test("a browser page on another site cannot post to a server function", async ({ page }) => {
  // localhost and 127.0.0.1 are different sites to the browser.
  await page.goto("http://localhost:3100/login");
  const status = await page.evaluate(async () => {
    try {
      const r = await fetch("http://127.0.0.1:3100/api/log_out", { method: "POST", credentials: "include", mode: "cors" });
      return r.status;
    } catch {
      return -1; // blocked by CORS after the server answered
    }
  });
  // Either the server refused (403) or the browser hid a refused answer; never a success.
  expect([403, -1]).toContain(status);
});

test("pages carry a strict policy and hydrate under it", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") violations.push(m.text());
  });
  const response = await page.goto("/login");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
  expect(headers["content-security-policy"]).toContain("object-src 'none'");
  expect(headers["content-security-policy"]).toContain("base-uri 'none'");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["cache-control"]).toBe("no-store");
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  expect(violations).toEqual([]);
});

test("the test build's clock only moves forward, by at most 400 days", async ({ request }) => {
  for (const seconds of ["-3600", "0", "999999999"]) {
    const refused = await request.post(`/test/advance-clock?seconds=${seconds}`);
    expect(refused.status(), seconds).toBe(422);
    expect(await refused.text()).toContain("only moves forward");
  }
});
