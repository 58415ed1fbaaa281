import { expect, test } from "@playwright/test";
import { createPractice, expectAccessible, expectNoHorizontalScroll, signUp, uniqueEmail } from "./helpers";

// Community Health at the practice's desk (issue "Communities and data
// sharing"). Its figures, the withholding below five people and Sharing off
// are tested on the server (community_health.rs); here: the page, its
// filters, and that it is usable and accessible on a desk and a phone.

test("the team opens Community Health: a chart and a table per kind, weeks without enough people withheld", async ({ page, request }, testInfo) => {
  await signUp(page, request, uniqueEmail(testInfo, "owner"));
  await createPractice(page, "Harbour Clinic");
  await page.getByRole("navigation", { name: "Practice" }).getByRole("link", { name: "Community" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Community Health" })).toBeVisible();
  const kinds = ["Glucose (mg/dL)", "Ketones (mmol/L)", "Weight (kg)", "Steps", "Sleep (hours)"];
  for (const kind of kinds) {
    await expect(page.getByRole("heading", { level: 2, name: kind })).toBeVisible();
  }
  const glucose = page.getByRole("region", { name: "Glucose (mg/dL)" });
  // Nobody shares yet: twelve weeks, each withheld, and the chart says why it is empty.
  await expect(glucose.getByRole("row")).toHaveCount(13);
  await expect(glucose.getByText("Not shown: too few people")).toHaveCount(12);
  await expect(glucose.getByText("No week has enough people sharing to show a figure yet.")).toBeVisible();
  await page.getByLabel("Weeks").selectOption({ label: "Last 4 weeks" });
  await expect(glucose.getByRole("row")).toHaveCount(5);
  await page.getByLabel("Who").selectOption({ label: "Clients of the practice" });
  await expect(glucose.getByText("Not shown: too few people")).toHaveCount(4);
  if (testInfo.project.name === "mobile") await expectNoHorizontalScroll(page);
  await expectAccessible(page);
});
