import { expect, test } from "@playwright/test";
import { createPractice, inviteTyped, open, signUp, toTeam, uniqueEmail } from "./helpers";

test("look", async ({ page, request }, testInfo) => {
  const owner = uniqueEmail(testInfo, "owner");
  await signUp(page, request, owner);
  await createPractice(page, "Harbour Clinic");
  await inviteTyped(page, [1, 2, 3].map((i) => uniqueEmail(testInfo, `a${i}`)).join("\n"));
  await page.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.getByRole("status")).toContainText("invitation(s) sent");
  await toTeam(page);
  await page.screenshot({ path: `/tmp/team-${testInfo.project.name}.png`, fullPage: true });
  console.log(await page.locator("table.card-rows").first().evaluate((t) => [getComputedStyle(t).display, getComputedStyle(t.querySelector("thead")!).display, getComputedStyle(t.querySelector("tr")!).display, t.outerHTML.slice(0, 600)]));
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Roles" }).click();
  await expect(page.getByRole("table")).toBeVisible();
  console.log(testInfo.project.name, await page.locator(".table-wrap").evaluate((w) => [w.scrollWidth, w.clientWidth, w.querySelector("table")!.scrollWidth]));
  await page.screenshot({ path: `/tmp/roles-${testInfo.project.name}.png`, fullPage: true });
});
