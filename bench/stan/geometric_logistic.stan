// The composed model "geometric+logistic" (docs/transforms.md) with optional
// lift tests, for the side-by-side benchmark (bench/stanComposed.mjs). Data
// arrive scaled exactly as the engine uses them; lift tests in the same
// scaled units (model/liftTests.ts).
data {
  int<lower=1> T;
  int<lower=1> C;
  int<lower=0> F;
  int<lower=0> D;
  real<lower=0> frequency;
  matrix<lower=0>[T, C] media;
  matrix[T, F] extra;
  vector[T] y;
  vector<lower=0>[C] media_prior;
  int<lower=0> N_lift;
  int<lower=1, upper=C> lift_channel[N_lift];
  vector<lower=0>[N_lift] lift_x;
  vector[N_lift] lift_dx;
  vector[N_lift] lift_dy;
  vector<lower=0>[N_lift] lift_sigma;
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
  vector<lower=0>[C] logistic_rate;
  vector[2 * D] gamma_seasonality;
  vector[F] coef_extra_features;
}
model {
  vector[T] mu;
  intercept ~ normal(0, 2);
  sigma ~ gamma(1, 1);
  coef_trend ~ normal(0, 1);
  coef_media ~ normal(0, media_prior);
  lag_weight ~ beta(1, 3);
  logistic_rate ~ gamma(3, 1);
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
      mu[t] += coef_media[c] * (1 - exp(-logistic_rate[c] * s)) / (1 + exp(-logistic_rate[c] * s));
    }
  }
  y ~ normal(mu, sigma);
  for (i in 1:N_lift) {
    int c = lift_channel[i];
    real lam = logistic_rate[c];
    real v1 = lift_x[i] + lift_dx[i];
    real v0 = lift_x[i];
    real f1 = (1 - exp(-lam * v1)) / (1 + exp(-lam * v1));
    real f0 = (1 - exp(-lam * v0)) / (1 + exp(-lam * v0));
    lift_dy[i] ~ normal(coef_media[c] * (f1 - f0), lift_sigma[i]);
  }
}
