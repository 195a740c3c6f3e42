// The composed model "weibull_pdf+michaelis_menten" (docs/transforms.md), for
// the side-by-side benchmark (bench/stanComposed.mjs). Weibull PDF weights
// over L lags, w[l] = ((l+1)/scale)^(shape-1) exp(-((l+1)/scale)^shape),
// normalised to sum to one; Michaelis-Menten f(v) = v / (half_saturation + v).
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
  int<lower=1> L;
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
  vector<lower=0>[C] weibull_scale;
  vector<lower=0>[C] weibull_shape;
  vector<lower=0>[C] half_saturation;
  vector[2 * D] gamma_seasonality;
  vector[F] coef_extra_features;
}
model {
  vector[T] mu;
  intercept ~ normal(0, 2);
  sigma ~ gamma(1, 1);
  coef_trend ~ normal(0, 1);
  coef_media ~ normal(0, media_prior);
  weibull_scale ~ gamma(4, 2);
  weibull_shape ~ gamma(9, 3);
  half_saturation ~ normal(0, 1);
  gamma_seasonality ~ normal(0, 1);
  coef_extra_features ~ normal(0, 1);
  for (t in 1:T) mu[t] = intercept + (t == 1 ? 0 : coef_trend * pow(t_index[t], expo_trend));
  if (D > 0) mu += season * gamma_seasonality;
  if (F > 0) mu += extra * coef_extra_features;
  for (c in 1:C) {
    vector[L] w;
    for (l in 1:L) {
      real z = l / weibull_scale[c];
      w[l] = pow(z, weibull_shape[c] - 1) * exp(-pow(z, weibull_shape[c]));
    }
    w = w / sum(w);
    for (t in 1:T) {
      real s = 0;
      for (l in 1:min(L, t)) s += w[l] * media[t - l + 1, c];
      mu[t] += coef_media[c] * s / (half_saturation[c] + s);
    }
  }
  y ~ normal(mu, sigma);
}
