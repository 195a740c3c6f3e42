import type { Command } from "commander";
import {
  checkOutputFile,
  InputError,
  loadFitFolder,
  writeFileWhole,
  type BudgetOptimization,
  type ChannelBoundInput,
  type GeoBudgetOptimization,
  type OptimizeBudgetOptions,
} from "../index.js";
import { parseInteger, parseList, parseNumber, parseNumberList } from "./options.js";
import { formatTable } from "./tables.js";

interface OptimizeCliOptions {
  budget?: string;
  periods: string;
  prices?: string;
  boundsLowerPct: string;
  boundsUpperPct: string;
  bound: string[];
  boundPct: string[];
  fix: string[];
  constraint: string[];
  objective: string;
  alpha: string;
  cvarOf: string;
  draws?: string;
  seed?: string;
  carryOver: boolean;
  countSpillover?: string | boolean;
  extra?: string;
  targetRoi?: string;
  targetMroi?: string;
  targetFind: string;
  budgetRange?: string;
  maxIterations: string;
  out?: string;
  perGeo?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** "name=value" -> [name, value], for options that name a channel. */
function splitAssignment(text: string, option: string, form: string): [string, string] {
  const i = text.lastIndexOf("=");
  if (i <= 0) throw new InputError(`${option}: expected ${form}, got "${text}"`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

function parsePrices(text: string): number[] | Record<string, number> {
  if (!text.includes("=")) return parseNumberList(text, "--prices");
  return Object.fromEntries(
    parseList(text, "--prices").map((item) => {
      const [name, v] = splitAssignment(item, "--prices", "P,P,... or CHANNEL=P,...");
      return [name, parseNumber(v, `--prices ${name}`)];
    }),
  );
}

function parseBounds(abs: string[], pct: string[]): Record<string, ChannelBoundInput> {
  const out: Record<string, ChannelBoundInput> = {};
  const read = (items: string[], option: string, lowKey: "lower" | "lowerPct", highKey: "upper" | "upperPct") => {
    for (const item of items) {
      const [name, range] = splitAssignment(item, option, "CHANNEL=LOWER:UPPER");
      const parts = range.split(":");
      if (parts.length !== 2) throw new InputError(`${option} ${name}: expected LOWER:UPPER (either may be empty), got "${range}"`);
      const b = (out[name] ??= {});
      if ((parts[0] !== "" && b[lowKey] !== undefined) || (parts[1] !== "" && b[highKey] !== undefined)) {
        throw new InputError(`${option}: channel "${name}" has its bounds given twice; give one ${option} per channel`);
      }
      if (parts[0] !== "") b[lowKey] = parseNumber(parts[0], `${option} ${name} (lower)`);
      if (parts[1] !== "") b[highKey] = parseNumber(parts[1], `${option} ${name} (upper)`);
    }
  };
  read(abs, "--bound", "lower", "upper");
  read(pct, "--bound-pct", "lowerPct", "upperPct");
  return out;
}

export function optimizeOptionsFromCli(o: OptimizeCliOptions): OptimizeBudgetOptions {
  if (o.targetRoi !== undefined && o.targetMroi !== undefined) throw new InputError("give --target-roi or --target-mroi, not both");
  const hasTarget = o.targetRoi !== undefined || o.targetMroi !== undefined;
  if (o.budget === undefined && !hasTarget) throw new InputError("missing --budget <amount> (or --target-roi / --target-mroi to find one)");
  const options: OptimizeBudgetOptions = {
    periods: parseInteger(o.periods, "--periods", 1),
    boundsLowerPct: parseNumber(o.boundsLowerPct, "--bounds-lower-pct", (v) => v >= 0, "a non-negative fraction (0.2 = 20%)"),
    boundsUpperPct: parseNumber(o.boundsUpperPct, "--bounds-upper-pct", (v) => v >= 0, "a non-negative fraction (0.2 = 20%)"),
    objective: o.objective as "mean" | "cvar",
    alpha: parseNumber(o.alpha, "--alpha", (v) => v > 0 && v <= 1, "a number in (0, 1]"),
    cvarOf: o.cvarOf as "incremental" | "total",
    carryOverFromHistory: o.carryOver,
    targetFind: o.targetFind as "largest" | "smallest",
    maxIterations: parseInteger(o.maxIterations, "--max-iterations", 1),
  };
  if (!["mean", "cvar"].includes(o.objective)) throw new InputError(`--objective: expected mean or cvar, got "${o.objective}"`);
  if (!["incremental", "total"].includes(o.cvarOf)) throw new InputError(`--cvar-of: expected incremental or total, got "${o.cvarOf}"`);
  if (!["largest", "smallest"].includes(o.targetFind)) throw new InputError(`--target-find: expected largest or smallest, got "${o.targetFind}"`);
  if (o.budget !== undefined) options.budget = parseNumber(o.budget, "--budget", (v) => v > 0, "a positive amount");
  if (o.prices !== undefined) options.prices = parsePrices(o.prices);
  if (o.bound.length + o.boundPct.length > 0) options.bounds = parseBounds(o.bound, o.boundPct);
  if (o.fix.length > 0) {
    options.fixed = Object.fromEntries(
      o.fix.map((item, i) => {
        const [name, v] = splitAssignment(item, "--fix", "CHANNEL=AMOUNT");
        const earlier = o.fix.slice(0, i).find((e) => splitAssignment(e, "--fix", "CHANNEL=AMOUNT")[0] === name);
        if (earlier !== undefined) throw new InputError(`--fix: channel "${name}" is fixed twice ("${earlier}" and "${item}"); give one amount`);
        return [name, parseNumber(v, `--fix ${name}`, (x) => x >= 0, "a non-negative amount")];
      }),
    );
  }
  if (o.constraint.length > 0) options.constraints = o.constraint;
  if (o.draws !== undefined) options.draws = parseInteger(o.draws, "--draws", 1);
  if (o.seed !== undefined) options.seed = parseInteger(o.seed, "--seed", 0);
  if (o.countSpillover !== undefined) options.countSpillover = o.countSpillover === true ? true : parseInteger(String(o.countSpillover), "--count-spillover", 0);
  if (o.extra !== undefined) options.extraFeatures = parseNumberList(o.extra, "--extra");
  if (o.targetRoi !== undefined) options.targetRoi = parseNumber(o.targetRoi, "--target-roi");
  if (o.targetMroi !== undefined) options.targetMarginalRoi = parseNumber(o.targetMroi, "--target-mroi");
  if (o.budgetRange !== undefined) {
    const r = parseNumberList(o.budgetRange, "--budget-range");
    if (r.length !== 2) throw new InputError(`--budget-range: expected MIN,MAX, got "${o.budgetRange}"`);
    options.budgetRange = [r[0], r[1]];
  }
  return options;
}

/** "13 weeks", "1 week". */
function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

function amount(v: number): string {
  return Math.abs(v) >= 1e9 ? v.toExponential(3) : v.toFixed(Math.abs(v) >= 100 ? 0 : 2);
}

function ratio(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "-" : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(3);
}

/** The before/after table and the KPI lines. */
export function formatOptimization(r: BudgetOptimization): string {
  const lines: string[] = [];
  const what = r.objective === "cvar" ? `CVaR at alpha ${r.alpha} of the ${r.cvar_of} KPI` : "posterior-mean KPI";
  lines.push(
    `Budget ${amount(r.budget)} over ${count(r.periods, r.period_unit)}${r.evaluation_periods > r.periods ? ` (KPI counted over ${r.evaluation_periods}, spill-over included)` : ""}; maximising the ${what}; ${r.draws} draws.`,
  );
  if (r.target) {
    const t = r.target;
    lines.push(
      `Budget found for ${t.metric === "roi" ? "ROI" : "marginal ROI"} ${t.find === "largest" ? ">=" : "reaching"} ${t.target}: ${t.metric} ${ratio(t.achieved)} at this budget` +
        (t.at_range_end ? ` (the target holds at the end of the range searched, ${amount(t.budget_range[0])} to ${amount(t.budget_range[1])})` : ` (${t.bisection_steps} bisection steps)`),
    );
  }
  lines.push("");
  const rows = r.channels.map((ch) => {
    const before = r.spend_before[ch];
    const after = r.spend_after[ch];
    const change = before > 0 ? `${(((after - before) / before) * 100).toFixed(1)}%` : "-";
    return [ch, amount(r.bounds[ch].lower), amount(r.bounds[ch].upper), amount(before), amount(after), change, ratio(r.roi[ch]?.mean), ratio(r.marginal_roi[ch].mean), r.channel_status[ch]];
  });
  lines.push(formatTable(["channel", "lower", "upper", "spend before", "spend after", "change", "ROI", "marginal ROI", "at"], rows));
  lines.push("");
  const iv = (x: { mean: number; "hdi_3%": number; "hdi_97%": number }) => `${amount(x.mean)} [${amount(x["hdi_3%"])}, ${amount(x["hdi_97%"])}]`;
  lines.push(`KPI over ${count(r.evaluation_periods, r.period_unit)} (mean [94% HDI]): before ${iv(r.kpi_before)}, after ${iv(r.kpi_after)}`);
  const pct = r.kpi_before.mean !== 0 ? ` (${((r.uplift.mean / Math.abs(r.kpi_before.mean)) * 100).toFixed(2)}%)` : "";
  lines.push(`Uplift: ${iv(r.uplift)}${pct}`);
  if (r.objective === "cvar") lines.push(`Objective (CVaR): before ${amount(r.objective_before)}, after ${amount(r.objective_after)}`);
  lines.push(`Marginal return of the budget (free channels): ${ratio(r.budget_multiplier)}`);
  for (const c of r.constraints) lines.push(`Constraint ${c.formula}: ${c.active ? "binding" : `slack ${amount(c.slack)}`}`);
  lines.push(`${r.converged ? "Converged" : "Did not converge"} after ${r.iterations} iterations (${r.function_evaluations} evaluations): ${r.message}.`);
  return lines.join("\n") + "\n";
}

/** Geo plans: spend after per channel and geo. */
export function formatGeoSplit(r: GeoBudgetOptimization): string {
  const head = r.split === "historical_ratio" ? "Spend after, split across geos by the historical ratio:" : "Spend after, per geo:";
  const rows = Object.entries(r.spend_after_by_geo).map(([ch, byGeo]) => [ch, ...r.geos.map((g) => amount(byGeo[g]))]);
  return `\n${head}\n${formatTable(["channel", ...r.geos], rows)}\n`;
}

export function registerOptimize(program: Command): void {
  program
    .command("optimize")
    .description("find the media budget allocation that maximises the predicted KPI over the next periods (or the budget that meets a target ROI)")
    .argument("<dir>", "output folder of `mmm fit`")
    .option("--budget <amount>", "total spend over the plan, all channels (with a target: the most to spend)")
    .option("--periods <n>", "planning periods after the end of the data", "13")
    .option("--prices <list>", "cost per media unit: P,P,... in channel order or CHANNEL=P,... (default 1)")
    .option("--bounds-lower-pct <p>", "lower bound of each channel: this fraction below its historical level", "0.2")
    .option("--bounds-upper-pct <p>", "upper bound of each channel: this fraction above its historical level", "0.2")
    .option("--bound <channel=lower:upper>", "absolute bounds on a channel's total spend over the plan (repeatable; either side may be empty)", collect, [])
    .option("--bound-pct <channel=lower:upper>", "a channel's bounds as fractions of its historical level (repeatable)", collect, [])
    .option("--fix <channel=amount>", "hold a channel at this total spend (repeatable)", collect, [])
    .option("--constraint <formula>", 'linear constraint over channel spends, e.g. "tv + radio <= 0.4 * budget" (repeatable)', collect, [])
    .option("--objective <name>", "mean (posterior-mean KPI) or cvar (mean of the worst alpha fraction of draws)", "mean")
    .option("--alpha <a>", "CVaR level", "0.1")
    .option("--cvar-of <what>", "CVaR of the incremental KPI (what the plan adds) or the total KPI", "incremental")
    .option("--draws <n>", "use this many posterior draws (a seeded subset; default all)")
    .option("--seed <n>", "seed of the draw subset (default: the fit's seed)")
    .option("--no-carry-over", "start the plan with no carry-over from the historical media (LightweightMMM's optimizer)")
    .option("--count-spillover [periods]", "count the KPI the plan's spend produces after the plan (default 13 periods, the carryover window)")
    .option("--extra <values>", "extra features over the plan, one value per feature (default: their mean over the last N periods)")
    .option("--target-roi <r>", "find the budget: the largest whose optimised ROI is at least r")
    .option("--target-mroi <r>", "find the budget: the largest whose marginal ROI is at least r")
    .option("--target-find <which>", "with a target: largest or smallest budget meeting it", "largest")
    .option("--budget-range <min,max>", "with a target: the budgets searched (default: sum of lower to sum of upper bounds)")
    .option("--max-iterations <n>", "solver iterations at most", "200")
    .option("--out <file>", "write the result as JSON")
    .option("--per-geo", "geo models: optimise every channel in every geo (variables CHANNEL@GEO) instead of splitting channel totals by the historical geo ratio")
    .action(async (dir: string, o: OptimizeCliOptions) => {
      const options = optimizeOptionsFromCli(o);
      if (o.out) checkOutputFile(o.out);
      const fit = loadFitFolder(dir);
      if (fit.geoNames.length === 0 && o.perGeo) throw new InputError("--per-geo is for geo models (fitted with --geo)");
      const result: BudgetOptimization | GeoBudgetOptimization = await fit.optimizeBudget({ ...options, ...(o.perGeo ? { perGeo: true } : {}) });
      process.stdout.write(formatOptimization(result));
      if ("spend_after_by_geo" in result) process.stdout.write(formatGeoSplit(result as GeoBudgetOptimization));
      if (o.out) {
        writeFileWhole(o.out, JSON.stringify(result, null, 2) + "\n");
        process.stdout.write(`wrote ${o.out}\n`);
      }
      if (!result.converged) process.stderr.write(`warning: the optimizer did not converge (${result.message}); the allocation is the best found.\n`);
    });
}
