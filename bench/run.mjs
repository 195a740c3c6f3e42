// `npm run bench [-- --quick]`: every benchmark, results in bench/results/.
import { benchLogp } from "./logp.mjs";

const quick = process.argv.includes("--quick");
await benchLogp({ quick });
