// The national hill_adstock model of MODEL.md, for the side-by-side benchmark.
// Data arrive already scaled (each column divided by its training mean) and
// media_prior = scale * cost / mean(cost), exactly as the engine uses them.
data {
  int<lower=1> T;
  int<lower=1> C;
  int<lower=0> F;
  int<lower=0> D;                 // seasonality degrees
  real<lower=0> frequency;        // periods per cycle
  matrix<lower=0>[T, C] media;
  matrix[T, F] extra;
  vector[T] y;                    // the target ("target" is reserved in Stan)
  vector<lower=0>[C] media_prior;
}
transformed data {
  matrix[T, 2 * D] season;
  vector[T] t_index;
  for (t in 1:T) {
    t_index[t] = t - 1;
    for (d in 1:D) {
      season[t, 2 * d - 1] = sin(2 * pi() * (t - 1) * d / frequency);
      season[t, 2 * d] = cos(2 * pi() * (t - 1) * d / frequency);
    }
  }
}
parameters {
  real<lower=0> intercept;
  real<lower=0> sigma;
  real coef_trend;
  real<lower=0.5, upper=1.5> expo_trend;
  vector<lower=0>[C] coef_media;
  vector<lower=0, upper=1>[C] lag_weight;
  vector<lower=0>[C] half_max_effective_concentration;
  vector<lower=0>[C] slope;
  vector[2 * D] gamma_seasonality;   // [d][sin, cos] flattened
  vector[F] coef_extra_features;
}
model {
  vector[T] mu;
  intercept ~ normal(0, 2);
  sigma ~ gamma(1, 1);
  coef_trend ~ normal(0, 1);
  coef_media ~ normal(0, media_prior);
  lag_weight ~ beta(2, 1);
  half_max_effective_concentration ~ gamma(1, 1);
  slope ~ gamma(1, 1);
  gamma_seasonality ~ normal(0, 1);
  coef_extra_features ~ normal(0, 1);
  for (t in 1:T) mu[t] = intercept + (t == 1 ? 0 : coef_trend * pow(t_index[t], expo_trend));
  if (D > 0) mu += season * gamma_seasonality;
  if (F > 0) mu += extra * coef_extra_features;
  for (c in 1:C) {
    real a = 0;
    for (t in 1:T) {
      real s;
      a = (t == 1) ? media[1, c] : lag_weight[c] * a + media[t, c];
      s = a * (1 - lag_weight[c]);
      if (s > 0) mu[t] += coef_media[c] / (1 + pow(s / half_max_effective_concentration[c], -slope[c]));
    }
  }
  y ~ normal(mu, sigma);
}
