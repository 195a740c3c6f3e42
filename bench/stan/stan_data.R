# Reads a Stan model's data as the bench scripts write it (JSON from
# bench/stanChains.mjs's stanData and its geo form) and shapes it as the
# .stan programs declare it: national media and extras as T x C and T x F
# matrices, geo ones as arrays of dim (G, T, C) (Stan's matrix[T, C] media[G])
# and y as T x G. Sourced by grad_timer.R and log_prob.R.
read_stan_data <- function(path) {
  data <- jsonlite::fromJSON(path)
  if (is.null(data$G)) {
    as_rows <- function(x, ncol) {
      if (ncol == 0) return(matrix(0, nrow = data$T, ncol = 0))
      if (is.matrix(x)) return(x)
      matrix(unlist(x), nrow = data$T, ncol = ncol, byrow = TRUE)
    }
    data$media <- as_rows(data$media, data$C)
    data$extra <- as_rows(data$extra, data$F)
  } else {
    data$media <- array(data$media, dim = c(data$G, data$T, data$C))
    data$extra <- array(if (data$F > 0) data$extra else 0, dim = c(data$G, data$T, data$F))
    data$y <- matrix(data$y, nrow = data$T, ncol = data$G)
  }
  data
}
