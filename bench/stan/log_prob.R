# rstan's log density (unconstrained scale, with the Jacobian: log_prob with
# adjust_transform = TRUE) of a Stan model at given points, for checking a
# .stan file against the engine's float64 reference (bench/probes/stanLogProb.mjs).
# usage: Rscript log_prob.R model.stan data.json points.json out.json
# points.json: a list of named parameter values on the constrained scale.
suppressMessages({
  library(rstan)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
model <- stan_model(file.path(here, args[1]), auto_write = TRUE)
source(file.path(here, "stan_data.R"))
data <- read_stan_data(args[2])
points <- fromJSON(args[3], simplifyVector = TRUE, simplifyDataFrame = FALSE)
fit <- sampling(model, data = data, chains = 1, iter = 1, algorithm = "Fixed_param",
                init = list(points[[1]]), refresh = 0)
lp <- sapply(points, function(p) log_prob(fit, unconstrain_pars(fit, p), adjust_transform = TRUE))
write_json(list(lp = lp), args[4], digits = NA)
