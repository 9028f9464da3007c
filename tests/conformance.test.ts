import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defineCollector } from "../src/collectors/collector.js";
import markSweep, { MarkSweepCollector } from "../src/collectors/mark-sweep/index.js";
import { collectorNames } from "../src/collectors/registry.js";
import { testCollector } from "../src/conformance/suite.js";

/** Runs the real executable (built by `npm test` before vitest starts). */
function gcsim(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Checks per collector: a workloads and a leaks check for each of the eleven shipped workloads, plus the differential check. */
const CHECKS = 23;

describe("gcsim test-collector", () => {
  it.each([
    ...collectorNames.map((name) => [name]),
    ["rc", "--opt", "cycles=off"],
    ["generational", "--opt", "barrier=cards", "--opt", "mature=mark-compact", "--opt", "promote-age=2"],
    ["examples/collectors/paced-mark-sweep.ts"],
  ])("passes %s", (...args) => {
    const r = gcsim("test-collector", ...args, "--runs", "40");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`${CHECKS} passed, 0 failed`);
    expect(r.code).toBe(0);
  });

  it("catches the deliberately broken example and writes a counterexample that fails verification with exit 4", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-conformance-"));
    const broken = "examples/collectors/forgetful-mark-sweep.ts";
    const r = gcsim("test-collector", broken, "--runs", "40", "--counterexample-dir", dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL differential/);
    const file = join(dir, "forgetful-mark-sweep-counterexample.json");
    expect(existsSync(file)).toBe(true);
    expect(r.stdout).toContain(`reproduce: gcsim run ${file} --collector ${broken} --verify`);
    const workload = JSON.parse(readFileSync(file, "utf8"));
    expect(workload.heap).toMatch(/^\d+$/);
    const rerun = gcsim("run", file, "--collector", broken, "--verify");
    expect(rerun.code).toBe(4);
    expect(rerun.stderr).toMatch(/heap verification failed after collection \d+: global \d+ points at/);
  });
});

describe("a collector file of one's own", () => {
  it("loads from any folder, also one whose package.json says CommonJS, and imports the running gcsim", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-user-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "elsewhere", type: "commonjs" }));
    copyFileSync("examples/collectors/paced-mark-sweep.ts", join(dir, "my-gc.ts"));
    const r = gcsim("run", "linked-list", "--collector", join(dir, "my-gc.ts:grow=3"), "-f", "json");
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ collector: "paced-mark-sweep", options: { grow: "3" }, outcome: "completed" });
  });

  it("that exports no definition is one input error listing what is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-user-"));
    writeFileSync(join(dir, "bad.ts"), `export default { name: "bad" };\n`);
    const r = gcsim("run", "linked-list", "--collector", join(dir, "bad.ts"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not default-export a collector definition[\s\S]*create: a function/);
  });
});

describe("the leak check", () => {
  it("holds a collector to what it declares it reclaims", () => {
    // Mark-sweep reclaims cyclic garbage; declared as plain reference counting, it leaks too little.
    const constraints = { ...markSweep.constraints, reclaims: "acyclic" } as const;
    class MisdeclaredMarkSweep extends MarkSweepCollector {
      override readonly constraints = constraints;
    }
    const misdeclared = defineCollector({ ...markSweep, name: "misdeclared", constraints, create: (context) => new MisdeclaredMarkSweep(context) });
    const results = testCollector(misdeclared, { spec: "misdeclared", runs: 1, seed: 1, counterexampleDir: tmpdir() });
    const cyclic = results.find((r) => r.check === "leaks" && r.subject === "cyclic-garbage.json");
    expect(cyclic?.passed).toBe(false);
    expect(cyclic?.detail).toMatch(/leaked 0 objects in 0 cycles; .* leaks exactly the cyclic garbage: [1-9]\d* objects in [1-9]\d* cycles/);
    // Where there is no cyclic garbage the two declarations agree.
    expect(results.find((r) => r.check === "leaks" && r.subject === "linked-list.json")?.passed).toBe(true);
  });
});
