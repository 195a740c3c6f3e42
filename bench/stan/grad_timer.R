# Times Stan's log-density gradient as its sampler calls it, in batches on
# request, so that bench/compareLogp.mjs --stan can alternate them with the
# engine's: reads a count n per line on stdin and answers one line, the
# nanoseconds per gradient. A batch is static HMC from the point with a tiny
# step size (the trajectory stays there), L = 10 leapfrog steps per
# iteration and no adaptation, n gradients in all; the time is Stan's own
# clock around its sampling loop (get_elapsed_time), so R's call overhead is
# left out (rstan's grad_log_prob spends milliseconds per call in R).
# usage: Rscript grad_timer.R model.stan data.json point.json
suppressMessages({
  library(rstan)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
model <- stan_model(file.path(here, args[1]), auto_write = TRUE)
source(file.path(here, "stan_data.R"))
data <- read_stan_data(args[2])
point <- fromJSON(args[3], simplifyVector = TRUE, simplifyDataFrame = FALSE)
fit <- sampling(model, data = data, chains = 1, iter = 1, algorithm = "Fixed_param",
                init = list(point), refresh = 0)
u <- unconstrain_pars(fit, point)
g <- grad_log_prob(fit, u, adjust_transform = TRUE)
cat("ready", length(u), attr(g, "log_prob"), "\n")
flush(stdout())
con <- file("stdin")
open(con)
L <- 10
eps <- 1e-6
while (length(line <- readLines(con, n = 1)) > 0) {
  n <- as.integer(line)
  iter <- max(1, round(n / L))
  s <- sampling(model, data = data, chains = 1, iter = iter, warmup = 0, algorithm = "HMC",
                init = list(point), seed = 1, refresh = 0,
                control = list(stepsize = eps, int_time = L * eps, stepsize_jitter = 0, adapt_engaged = FALSE))
  cat(1e9 * get_elapsed_time(s)[1, "sample"] / (iter * L), "\n")
  flush(stdout())
}
