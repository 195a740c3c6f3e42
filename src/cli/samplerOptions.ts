// The hold-out and NUTS options that `mmm fit` and the per-slice commands
// (`fit-many`, `queue submit`) share, stated once so their help and defaults
// cannot drift apart.

import type { Command } from "commander";

/** `scope` words the help for per-slice commands ("of every slice", "per slice"). */
export function addSamplerOptions(cmd: Command, scope: { rows: string; chains: string; seed: string }): Command {
  return cmd
    .option("--test-rows <n>", `hold out the last N rows${scope.rows} as a test set`)
    .option("--test-from <date>", `hold out the rows${scope.rows} from this date on as a test set`)
    .option("--chains <n>", scope.chains, "4")
    .option("--warmup <n>", "warm-up iterations per chain", "1000")
    .option("--samples <n>", "draws per chain after warm-up", "1000")
    .option("--seed <n>", scope.seed, "1")
    .option("--target-accept <p>", "target acceptance statistic of step-size adaptation", "0.85")
    .option("--max-tree-depth <n>", "maximum NUTS tree depth", "10")
    .option("--init <how>", "jitter (prior medians + small jitter), median, or random (Stan's uniform(-2, 2))", "jitter")
    .option(
      "--adaptation <kind>",
      "warm-up: stan-diag (Stan's), pooled-diag / pooled-dense (chains share each window's metric; a chain far behind restarts), nutpie-diag or dense",
      "stan-diag",
    )
    .option(
      "--math <mode>",
      "exp/log in the density core: accurate (default), exact, or fast (f32, ~3e-7 relative, about 2x faster per gradient; opt-in while being validated)",
      "accurate",
    );
}
