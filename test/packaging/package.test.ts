// The package as a user gets it: `npm pack` (the dist/ that `npm test`'s
// pretest just built), installed into a fresh project from the tarball (its
// dependencies from npm's cache when there), a TypeScript consumer checked
// under strict with skipLibCheck false, then run; the CLI's --version and
// --example work from the install, and the heavy `webgpu` package stays out.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = process.cwd();
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
const typesNodeVersion = (JSON.parse(readFileSync(join(repo, "node_modules/@types/node/package.json"), "utf8")) as { version: string }).version;
const tsc = join(repo, "node_modules/typescript/bin/tsc");

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" } });
}

function duBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

describe("the packed package in a fresh project", () => {
  let dir: string;
  let tarball: string;
  let files: string[];

  beforeAll(() => {
    if (!existsSync(join(repo, "dist/types/index.d.ts"))) throw new Error("dist/ is not built: run npm run build (npm test does it in pretest)");
    dir = mkdtempSync(join(tmpdir(), "mmm-consumer-"));
    const packed = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], repo)) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, packed[0].filename);
    files = packed[0].files.map((f) => f.path);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    run("npm", ["install", "--prefer-offline", "--no-save", "--ignore-scripts", tarball, `@types/node@${typesNodeVersion}`], dir);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ships declarations, the examples and a license, and no source maps or demo", () => {
    expect(files).toContain("dist/types/index.d.ts");
    expect(files).toContain("dist/types/browser.d.ts");
    expect(files).toContain("examples/weekly_sales.csv");
    expect(files).toContain("LICENSE");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("dist/demo/") || f.startsWith("examples/browser/"))).toEqual([]);
  });

  it("does not install the optional webgpu package", () => {
    expect(existsSync(join(dir, "node_modules/webgpu"))).toBe(false);
    expect(existsSync(join(dir, "node_modules/mmm-wasm/dist/index.js"))).toBe(true);
    const mb = duBytes(join(dir, "node_modules")) / 1e6;
    process.stdout.write(`install size with dependencies (and @types/node for the consumer): ${mb.toFixed(1)} MB\n`);
    expect(mb).toBeLessThan(80);
  });

  it("type-checks a consumer under strict with skipLibCheck false, and runs it", () => {
    copyFileSync(join(repo, "test/packaging/consumer.ts"), join(dir, "consumer.ts"));
    const tsconfig = {
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: false,
        types: ["node"],
        outDir: "out",
      },
      files: ["consumer.ts"],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    try {
      run(process.execPath, [tsc, "-p", "tsconfig.json"], dir);
    } catch (e) {
      throw new Error(`the consumer does not type-check:\n${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}`);
    }
    const out = JSON.parse(run(process.execPath, ["out/consumer.js"], dir)) as { channels: string[]; roi: number[]; budget: number; planned: number };
    expect(out.channels).toEqual(["tv", "search", "social", "radio", "display"]);
    for (const r of out.roi) expect(Number.isFinite(r)).toBe(true);
    expect(out.planned).toBeCloseTo(out.budget, 0);
  });

  it("runs the CLI from the install: --version and a short fit of the bundled example", () => {
    const mmm = join(dir, "node_modules/.bin/mmm");
    expect(run(mmm, ["--version"], dir).trim()).toBe(pkg.version);
    const text = run(mmm, ["fit", "--example", "--chains", "2", "--warmup", "40", "--samples", "20", "--threads", "0", "--no-report", "--out", "fit"], dir);
    expect(text).toMatch(/wrote .*model\.mmm/);
    expect(existsSync(join(dir, "fit/model.mmm"))).toBe(true);
  });
});
