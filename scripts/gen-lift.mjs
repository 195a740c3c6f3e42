// The lift-test term's kernels (docs/transforms.md, "Lift tests"), written by
// scripts/gen-kernels.mjs into assembly/generated/media.ts from the same
// transform table as the media kernels. One test is
//   Normal(delta_y | coef (f(g (x + dx)) - f(g x)), sigma),
// and its two points x + dx and x are the two lanes of one f64x2 "cell": the
// saturation's stage, cell and output formulas evaluate both at once, and
// the table's reverse formulas then give the parameters' gradient with the
// lanes weighted +w and -w (w = d lp / d lift) in place of the residual.
// The adstock's steady gain g enters as logNorm = log g (the kernels' output
// factor), so the filter-units signal is a = x and gLogNorm is d lp / d log g.
// Always f64 (a handful of points per evaluation), in the mode's exp/log.

/**
 * The per-model function `${name}Lift<M>(c, coef, x1, x0, deltaY, sigma)`:
 * adds the test's gradient (saturation and gain parameters) into pGrad,
 * writes d lp / d coef at LIFT_DOT and returns -r^2 / 2, r the standardised
 * residual of the lift. `tools` are gen-kernels.mjs's formula compilers.
 */
export function liftFunction(name, model, tools) {
  const { vec, scalar, parseFormula, formulaFor, paramIndex, vectorSlot, satScope, KIT } = tools;
  const { adstock, saturation: sat } = model;
  const kr = sat.kernel;
  const defined = new Set(["a"]);
  const scope = satScope(sat, defined);
  scope.local = (n, i) => (defined.has(n) ? `${n}${i}` : undefined);
  const lines = [];
  const local = (n, f) => {
    lines.push(`const ${n}0 = ${vec(parseFormula(formulaFor(f, "f64")), "f64", 0, scope)};`);
    defined.add(n);
  };
  // The geometric adstock without normalisation settles at x / (1 - lag): log g = -log(1 - lag).
  const gained = adstock.kind === "recursive";
  const lag = gained ? paramIndex(model, adstock.kernel.aliases[0]) : "";
  lines.push(gained ? `const logNorm = normaliseAdstock ? 0.0 : -f64At(pLog1mValue, ${lag});` : "const logNorm = 0.0;");
  lines.push("const ln = lnBase<M>();");
  for (const [v, f] of [["BETA", "coef"], ...Object.entries(kr.vectors)]) {
    lines.push(`setPV(${vectorSlot(v)}, ${scalar(parseFormula(f), model)});`);
  }
  lines.push(
    "const araw0 = f64x2(x1, x0);",
    `const pos0 = f64x2.ge(araw0, ${KIT.MIN_POS.f64});`,
    `const a0 = f64x2.pmax(araw0, ${KIT.MIN_POS.f64});`,
  );
  for (const stage of kr.stages) local(stage.out, stage.formula);
  for (const [n, f] of kr.cell) local(n, f);
  for (const [k, f] of Object.entries(kr.outputs)) local(`out${k}`, f);
  // A point at zero spend contributes f = 0 and no derivative: its lane is masked after each product.
  const dot = (k) => `hsum(v128.and(f64x2.mul(wv, out${k}0), pos0))`;
  lines.push(
    "const lift = coef * (f64x2.extract_lane(outF0, 0) - f64x2.extract_lane(outF0, 1));",
    "const r = (deltaY - lift) / sigma;",
    "const w = r / sigma;",
    "const wv = f64x2(w, -w);",
    `const dotF = ${dot("F")};`,
    `const dotH = ${kr.outputs.H !== undefined ? dot("H") : "0.0"};`,
    `const dotHD = ${dot("HD")} * ln;`,
    `const dotG = ${dot("G")};`,
    `const gLogNorm = ${scalar(parseFormula(kr.reverse.gLogNorm), model)};`,
  );
  for (const [alias, f] of Object.entries(kr.reverse.grads)) {
    lines.push(`addGrad(${paramIndex(model, alias)}, ${scalar(parseFormula(f), model)});`);
  }
  if (gained) lines.push(`if (!normaliseAdstock) addGrad(${lag}, -gLogNorm * f64At(pDLog1mValue, ${lag}));`);
  lines.push("store<f64>(LIFT_DOT, dotF);", "return -0.5 * r * r;");
  return [
    `/** ${name}: one lift test on ${sat.name}, its two points x1 = x + dx and x0 = x as the two lanes. */`,
    `function ${name}Lift<M>(c: i32, coef: f64, x1: f64, x0: f64, deltaY: f64, sigma: f64): f64 {`,
    ...lines.map((l) => `  ${l}`),
    "}",
  ].join("\n");
}

/** The dispatch over the configured model (layout.ts modelKind). */
export function liftDispatch(models) {
  return [
    "/** One lift test's term for the configured model (assembly/lift.ts). */",
    "export function liftTest<M>(c: i32, coef: f64, x1: f64, x0: f64, deltaY: f64, sigma: f64): f64 {",
    ...models.map(([name, m]) => `  if (modelKind == ${m.code}) return ${name}Lift<M>(c, coef, x1, x0, deltaY, sigma);`),
    "  return NaN;",
    "}",
  ].join("\n");
}
