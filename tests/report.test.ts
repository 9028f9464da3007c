import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { renderHtmlReport } from "../src/report/html.js";
import type { RunResult } from "../src/report/result.js";
import { runWorkload } from "../src/sim/run.js";
import { loadWorkload } from "../src/workload/load.js";
import { RECLAIMING_COLLECTORS } from "./helpers.js";

/**
 * Opens generated reports in real headless Chromium and checks that every
 * chart drew marks from data, with no console errors. Screenshots go to
 * test-artifacts/.
 *
 * Chromium is CHROMIUM_PATH when set (and then only that), else Debian's or
 * Ubuntu's package, else the browser playwright downloads
 * (`npx playwright-core install chromium`). Without one these tests are
 * skipped with one line saying how to enable them, except in CI (CI=true),
 * where a missing browser fails the suite.
 */
function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  let downloaded: string | undefined;
  try {
    downloaded = chromium.executablePath();
  } catch {
    downloaded = undefined;
  }
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", downloaded].find((p): p is string => p !== undefined && existsSync(p));
}
const CHROMIUM = findChromium();
const IN_CI = process.env.CI === "true";
const HOW_TO_ENABLE = "install Chromium (apt-get install chromium, or npx playwright-core install chromium) or set CHROMIUM_PATH";
if (!CHROMIUM && !IN_CI) process.stderr.write(`\nskipped: no Chromium found, the HTML report tests did not run (${HOW_TO_ENABLE})\n\n`);
const ARTIFACTS = "test-artifacts";

async function openInChromium(html: string, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(process.cwd(), ARTIFACTS, `${name}.html`);
  writeFileSync(file, html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => !r.url().startsWith("file:") && requests.push(r.url()));
    await page.goto(`file://${file}`);
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>("canvas.gcsim-chart")].map((canvas) => {
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined } }).Chart.getChart(canvas);
        // Count pixels that are not blank: axes alone leave most of the plot empty.
        const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
        return { id: canvas.id, points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0, painted };
      }),
    );
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    return { errors, requests, charts };
  } finally {
    await browser.close();
  }
}

describe("finding Chromium for the report tests", () => {
  it("takes CHROMIUM_PATH when set, and then only that", () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
    expect(findChromium({ CHROMIUM_PATH: join(process.cwd(), "no-such-browser") })).toBeUndefined();
  });
});

// Declared only where they can run, so a machine without a browser reports one clear line, not skipped tests.
if (!CHROMIUM && IN_CI) {
  describe("the HTML report tests in CI", () => {
    it("have a Chromium to run in", () => {
      expect.fail(`no Chromium found and CI=true: ${HOW_TO_ENABLE}`);
    });
  });
}

if (CHROMIUM) describe("the HTML report in Chromium", () => {
  const params = { kStretchTreeDepth: 12, kLongLivedTreeDepth: 10, kArraySize: 5000, kMinTreeDepth: 4, kMaxTreeDepth: 10 };
  const gcbench = loadWorkload("workloads/gcbench.json", params);

  it("draws every chart of a comparison, with no console errors and no network", async () => {
    const results = RECLAIMING_COLLECTORS.map((collector) => runWorkload(gcbench, { collector, params, heapBytes: 1 << 20, timeline: true }));
    const { errors, requests, charts } = await openInChromium(renderHtmlReport(results), "compare-report");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const ids = charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(["pauses", "mmu", ...results.map((_, i) => `occupancy-${i}`)]));
    for (const chart of charts) {
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.painted, chart.id).toBeGreaterThan(5000);
    }
  });

  it("draws the heap-size charts of a sweep, including out-of-memory points", async () => {
    const reference = 400 << 10;
    const results: RunResult[] = [];
    for (const collector of ["mark-sweep", "copying", "generational"]) {
      for (const factor of [1, 1.5, 2, 3]) {
        const r = runWorkload(gcbench, { collector, params, heapBytes: Math.floor((reference * factor) / 8) * 8 });
        r.sweep = { factor, referenceHeapBytes: reference, minHeapBytes: reference };
        results.push(r);
      }
    }
    expect(results.some((r) => r.outcome === "out-of-memory")).toBe(true);
    const { errors, charts } = await openInChromium(renderHtmlReport(results), "sweep-report");
    expect(errors).toEqual([]);
    for (const id of ["sweep-gc", "sweep-p99", "pauses", "mmu"]) {
      const chart = charts.find((c) => c.id === id);
      expect(chart?.points, id).toBeGreaterThan(0);
      expect(chart?.painted, id).toBeGreaterThan(5000);
    }
  });
});
