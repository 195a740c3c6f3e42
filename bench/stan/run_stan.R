# Runs bench/stan/hill_adstock.stan on one dataset with rstan and writes the
# figures the comparison needs as JSON.
# usage: Rscript run_stan.R data.json out.json chains warmup draws seed adapt_delta [model.stan]
# (the model defaults to hill_adstock.stan beside this script)
suppressMessages({
  library(rstan)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
data <- fromJSON(args[1])
chains <- as.integer(args[3]); warmup <- as.integer(args[4]); draws <- as.integer(args[5])
seed <- as.integer(args[6]); adapt_delta <- as.numeric(args[7])
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
compile_start <- Sys.time()
model_file <- if (length(args) >= 8) args[8] else "hill_adstock.stan"
model <- stan_model(file.path(here, model_file), auto_write = TRUE)
compile_seconds <- as.numeric(difftime(Sys.time(), compile_start, units = "secs"))
# jsonlite turns the row arrays into T x C matrices already; keep rows as rows.
as_rows <- function(x, ncol) {
  if (ncol == 0) return(matrix(0, nrow = data$T, ncol = 0))
  if (is.matrix(x)) return(x)
  matrix(unlist(x), nrow = data$T, ncol = ncol, byrow = TRUE)
}
# jsonlite reads an empty JSON array as list(): Stan wants an empty numeric array.
for (nm in names(data)) if (is.list(data[[nm]]) && length(data[[nm]]) == 0) data[[nm]] <- integer(0)
data$media <- as_rows(data$media, data$C)
data$extra <- as_rows(data$extra, data$F)
stopifnot(nrow(data$media) == data$T, ncol(data$media) == data$C)
start <- Sys.time()
fit <- sampling(model, data = data, chains = chains, iter = warmup + draws, warmup = warmup,
                seed = seed, cores = min(chains, parallel::detectCores()),
                control = list(adapt_delta = adapt_delta), refresh = 0)
wall <- as.numeric(difftime(Sys.time(), start, units = "secs"))
mon <- monitor(extract(fit, permuted = FALSE, inc_warmup = FALSE), warmup = 0, print = FALSE)
pars <- rownames(mon)
pars <- pars[pars != "lp__"]
sp <- get_sampler_params(fit, inc_warmup = FALSE)
divergences <- sum(sapply(sp, function(x) sum(x[, "divergent__"])))
leapfrog <- mean(sapply(sp, function(x) mean(x[, "n_leapfrog__"])))
gradients <- sum(sapply(get_sampler_params(fit, inc_warmup = TRUE), function(x) sum(x[, "n_leapfrog__"])))
out <- list(
  engine = paste("rstan", packageVersion("rstan")),
  compile_seconds = compile_seconds,
  wall_seconds = wall,
  divergences = divergences,
  leapfrog_per_draw = leapfrog,
  gradient_evaluations = gradients,
  parameters = lapply(pars, function(p) list(
    name = p, mean = mon[p, "mean"], sd = mon[p, "sd"],
    ess_bulk = mon[p, "Bulk_ESS"], ess_tail = mon[p, "Tail_ESS"], rhat = mon[p, "Rhat"]))
)
write_json(out, args[2], auto_unbox = TRUE, digits = NA)
