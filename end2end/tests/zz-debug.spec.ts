import { test } from "@playwright/test";
import { addClient, createPractice, signUp, uniqueEmail } from "./helpers";
test("debug", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop");
  page.on("console", (m) => console.log("CONSOLE", m.type(), m.text().slice(0, 3000)));
  page.on("pageerror", (e) => console.log("PAGEERROR", e.message.slice(0, 3000)));
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  const practice = new URL(page.url()).pathname.split("/")[2];
  const id = await addClient(page, practice, "Ana", "Silva", uniqueEmail(testInfo, "ana"));
  await page.goto(`/p/${practice}/clients/${id}`);
  await page.waitForTimeout(4000);
  await page.screenshot({ path: "/tmp/details.png", fullPage: true });
});
