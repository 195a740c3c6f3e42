// Bit-for-bit comparison of two builds' log-density and gradient: every model,
// national and geo shapes, the three math modes, many random points (some
// extreme). Usage: node bench/compareBuilds.mjs OTHER_DIST_INDEX_JS
// Exit code 1 if any value or gradient element differs in its bits.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const mine = await import(new URL("../dist/index.js", import.meta.url));
const other = await import(pathToFileURL(resolve(process.argv[2])).href);

function rng(seed) {
  const r = new mine.sampler.PhiloxRng(seed, 0);
  return () => r.uniform();
}

function problem(lib, model, T, C, F, G, seed) {
  const r = rng(seed);
  const media = Float64Array.from({ length: T * C * G }, () => (r() < 0.15 ? 0 : 2 * r()));
  const extra = Float64Array.from({ length: T * F }, () => 0.5 + r());
  const target = Float64Array.from({ length: T * G }, () => 0.6 + 0.8 * r());
  const s = { model, nChannels: C, nExtra: F, mediaPrior: Array(C).fill(0.15) };
  if (G > 1) s.nGeos = G;
  const layout = new lib.ParameterLayout(lib.makeStructure(s));
  const data = G > 1 ? { T, media, extra, target, G } : { T, media, extra, target };
  return { layout, data };
}

let checked = 0;
let differ = 0;
for (const model of ["hill_adstock", "adstock", "carryover"]) {
  for (const [T, C, F, G] of [[160, 5, 2, 1], [37, 3, 1, 1], [52, 2, 0, 4], [9, 1, 1, 1]]) {
    for (const mathMode of [0, 1, 2]) {
      const a = problem(mine, model, T, C, F, G, T * 31 + C);
      const b = problem(other, model, T, C, F, G, T * 31 + C);
      const da = new mine.MmmDensity(a.layout, a.data, { mathMode });
      const db = new other.MmmDensity(b.layout, b.data, { mathMode });
      const r = rng(7 + mathMode);
      const ga = new Float64Array(a.layout.dim);
      const gb = new Float64Array(a.layout.dim);
      for (let k = 0; k < 200; k++) {
        const width = k % 10 === 9 ? 12 : 3; // every tenth point far out
        const u = Float64Array.from({ length: a.layout.dim }, () => width * (2 * r() - 1));
        const la = da.logpGrad(u, ga);
        const lb = db.logpGrad(u, gb);
        checked++;
        let same = Object.is(la, lb);
        for (let i = 0; i < ga.length && same; i++) same = Object.is(ga[i], gb[i]);
        if (!same) {
          differ++;
          if (differ <= 5) console.log(`differs: ${model} T=${T} C=${C} G=${G} mode ${mathMode} point ${k}: ${la} vs ${lb}`);
        }
      }
    }
  }
}
console.log(`${checked} evaluations compared, ${differ} differ in a bit of the value or gradient`);
process.exit(differ ? 1 : 0);
