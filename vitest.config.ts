import { existsSync, readFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vitest/config";

// Source files import the compiled core as `import bytes from "../../build/mmm.wasm"`;
// esbuild inlines it with its binary loader and this plugin does the same for vitest.
function wasmBytes(): Plugin {
  return {
    name: "wasm-bytes",
    enforce: "pre",
    load(id) {
      if (!id.endsWith(".wasm")) return null;
      const b64 = readFileSync(id).toString("base64");
      return `const s = ${JSON.stringify(b64)};\nexport default Uint8Array.from(atob(s), (c) => c.charCodeAt(0));\n`;
    },
  };
}

// The WebGPU tests need a Vulkan driver Dawn accepts; without a GPU that is the
// SwiftShader driver of Debian's chromium. Set here, in the main process:
// test workers are threads, and a thread's process.env does not reach the
// native environment Dawn reads.
const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;

// Statistical tests: files named *.stat.test.ts, and these older ones kept at their paths.
const STATISTICAL = [
  "test/**/*.stat.test.ts",
  "test/sampler/posteriordb.test.ts",
  "test/sampler/sbc.test.ts",
  "test/sampler/gaussians.test.ts",
  "test/api/recovery.test.ts",
  "test/api/geoRecovery.test.ts",
];

export default defineConfig({
  plugins: [wasmBytes()],
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "threads",
    maxWorkers: 2,
    // Two projects: quick unit feedback (`npx vitest run --project unit`) and the slower
    // seeded statistical checks (reference posteriors, SBC, parameter recovery).
    // `npm test` runs both.
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: STATISTICAL } },
      { extends: true, test: { name: "statistical", include: STATISTICAL } },
    ],
  },
});
