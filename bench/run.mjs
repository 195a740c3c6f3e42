// `npm run bench [-- --quick]`: every benchmark, results in bench/results/.
import { spawnSync } from "node:child_process";
import { benchLogp } from "./logp.mjs";
import { benchSampler } from "./sampler.mjs";
import { benchStan } from "./stan.mjs";
import { benchStartup } from "./startup.mjs";
import { benchScaling } from "./scaling.mjs";
import { benchBrowser } from "./browser.mjs";

const quick = process.argv.includes("--quick");
await benchLogp({ quick });
await benchSampler({ quick });
await (await import("./optimizer.mjs")).benchOptimizer({ quick });
await benchStartup({ quick });
await benchScaling({ quick });
await (await import("./fits.mjs")).benchFits({ quick });
await benchBrowser({ quick });
await (await import("./chains.mjs")).benchChains({ quick });
// The GPU density benchmark runs in its own process: it exits when done (Dawn keeps the event loop alive).
spawnSync(process.execPath, [new URL("./gpu.mjs", import.meta.url).pathname, ...(quick ? ["--quick"] : [])], { stdio: "inherit" });
await (await import("./geo.mjs")).benchGeo({ quick });
await (await import("./geoFits.mjs")).benchGeoFits({ quick });
await (await import("./serve.mjs")).benchServe({ quick });
await (await import("./many.mjs")).benchMany({ quick });
await benchStan({ quick });
await (await import("./convergence.mjs")).benchConvergence({ quick });
await (await import("./liftTerm.mjs")).benchLiftTerm({ quick });
