# As run_stan.R, with per-chain warm-up detail for bench/convergence.mjs:
# per chain the divergences (warm-up, sampling), the adapted step size and
# inverse metric, and per warm-up window (Stan's 75/25/50 schedule for 1000
# warm-up iterations) the divergences, mean step size and mean lp__.
# Per chain also each parameter's mean over the draws (chainMeans: which
# regime a chain sat in). The model file (default hill_adstock.stan) may be
# hill_adstock_geo.stan, whose data come as media[G][T][C], extra[G][T][F], y[T][G].
# usage: [STAN_CORES=n] Rscript run_stan_chains.R data.json out.json chains warmup draws seed adapt_delta [model.stan]
suppressMessages({
  library(rstan)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
data <- fromJSON(args[1])
chains <- as.integer(args[3]); warmup <- as.integer(args[4]); draws <- as.integer(args[5])
seed <- as.integer(args[6]); adapt_delta <- as.numeric(args[7])
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
model_file <- if (length(args) >= 8) args[8] else "hill_adstock.stan"
model <- stan_model(file.path(here, model_file), auto_write = TRUE)
as_rows <- function(x, ncol) {
  if (ncol == 0) return(matrix(0, nrow = data$T, ncol = 0))
  if (is.matrix(x)) return(x)
  matrix(unlist(x), nrow = data$T, ncol = ncol, byrow = TRUE)
}
if (is.null(data$G)) {
  data$media <- as_rows(data$media, data$C)
  data$extra <- as_rows(data$extra, data$F)
} else {
  # fromJSON gives [G][T][C] as an array of dim (G, T, C): Stan's matrix[T, C] media[G].
  data$media <- array(data$media, dim = c(data$G, data$T, data$C))
  data$extra <- array(if (data$F > 0) data$extra else 0, dim = c(data$G, data$T, data$F))
  data$y <- matrix(data$y, nrow = data$T, ncol = data$G)
}
# STAN_CORES: chains run at once (default one per core); the draws do not depend on it.
cores <- as.integer(Sys.getenv("STAN_CORES", min(chains, parallel::detectCores())))
start <- Sys.time()
fit <- sampling(model, data = data, chains = chains, iter = warmup + draws, warmup = warmup,
                seed = seed, cores = cores,
                control = list(adapt_delta = adapt_delta), refresh = 0)
wall <- as.numeric(difftime(Sys.time(), start, units = "secs"))
post <- extract(fit, permuted = FALSE, inc_warmup = FALSE)
mon <- monitor(post, warmup = 0, print = FALSE)
pars <- rownames(mon)
pars <- pars[pars != "lp__"]
sp <- get_sampler_params(fit, inc_warmup = FALSE)
spw <- get_sampler_params(fit, inc_warmup = TRUE)
lpw <- extract(fit, pars = "lp__", permuted = FALSE, inc_warmup = TRUE)
info <- get_adaptation_info(fit)
bounds <- list(c(1, 75), c(76, 100), c(101, 150), c(151, 250), c(251, 450), c(451, 950), c(951, 1000))
per_chain <- lapply(seq_len(chains), function(k) {
  w <- spw[[k]]
  lines <- strsplit(info[[k]], "\n")[[1]]
  metric_line <- lines[grep("Diagonal elements", lines) + 1]
  inv_metric <- as.numeric(strsplit(gsub("#", "", metric_line), ",")[[1]])
  windows <- if (warmup == 1000) lapply(bounds, function(b) list(
    window = b - 1, div = sum(w[b[1]:b[2], "divergent__"]), eps = mean(w[b[1]:b[2], "stepsize__"]),
    lp = mean(lpw[b[1]:b[2], k, 1]), depth = mean(w[b[1]:b[2], "treedepth__"]))) else list()
  list(chain = k - 1, stepSize = sp[[k]][1, "stepsize__"],
       divWarmup = sum(w[1:warmup, "divergent__"]), divSampling = sum(sp[[k]][, "divergent__"]),
       leapfrog = mean(sp[[k]][, "n_leapfrog__"]), lpSampling = mean(lpw[(warmup + 1):(warmup + draws), k, 1]),
       inverseMetric = inv_metric, windows = windows,
       chainMeans = as.list(setNames(apply(post[, k, pars, drop = FALSE], 3, mean), pars)))
})
out <- list(
  engine = paste("rstan", packageVersion("rstan")),
  wall_seconds = wall,
  cores = cores,
  divergences = sum(sapply(sp, function(x) sum(x[, "divergent__"]))),
  leapfrog_per_draw = mean(sapply(sp, function(x) mean(x[, "n_leapfrog__"]))),
  gradient_evaluations = sum(sapply(spw, function(x) sum(x[, "n_leapfrog__"]))),
  chains = per_chain,
  parameters = lapply(pars, function(p) list(
    name = p, mean = mon[p, "mean"], sd = mon[p, "sd"],
    ess_bulk = mon[p, "Bulk_ESS"], ess_tail = mon[p, "Tail_ESS"], rhat = mon[p, "Rhat"]))
)
write_json(out, args[2], auto_unbox = TRUE, digits = NA)
