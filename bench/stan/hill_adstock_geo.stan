// The geo (hierarchical) hill_adstock model of MODEL.md, for comparing the
// engine with Stan on the bundled geo example. Data arrive already scaled as
// the engine uses them: each (column, geo) series divided by its own training
// mean; media_prior = scale * cost / mean(cost) over channels, costs summed
// over geos. Extras shared by every geo (geo_extra = 0) are passed once per
// geo all the same, and then have one coefficient each.
// Stan 2.21 syntax (rstan 2.21.7).
data {
  int<lower=1> T;
  int<lower=1> C;
  int<lower=1> G;
  int<lower=0> F;
  int<lower=0, upper=1> geo_extra; // 1: coef_extra_features is [F, G]; 0: [F, 1]
  int<lower=0> D;                  // seasonality degrees
  real<lower=0> frequency;         // periods per cycle
  matrix<lower=0>[T, C] media[G];  // media[g][t, c]
  matrix[T, F] extra[G];           // extra[g][t, f]
  matrix[T, G] y;                  // the target ("target" is reserved in Stan)
  vector<lower=0>[C] media_prior;
}
transformed data {
  matrix[T, 2 * D] season;
  vector[T] t_index;
  real geo_scale = sqrt(2 / pi());
  for (t in 1:T) {
    t_index[t] = t - 1;
    for (d in 1:D) {
      season[t, 2 * d - 1] = sin(2 * pi() * (t - 1) * d / frequency);
      season[t, 2 * d] = cos(2 * pi() * (t - 1) * d / frequency);
    }
  }
}
parameters {
  vector<lower=0>[G] intercept;
  vector<lower=0>[G] sigma;
  vector[G] coef_trend;
  real<lower=0.5, upper=1.5> expo_trend;
  vector<lower=0>[C] channel_coef_media;
  matrix<lower=0>[C, G] coef_media;
  vector<lower=0, upper=1>[C] lag_weight;
  vector<lower=0>[C] half_max_effective_concentration;
  vector<lower=0>[C] slope;
  vector[2 * D] gamma_seasonality;   // [d][sin, cos] flattened
  vector<lower=0>[D > 0 ? G : 0] coef_seasonality;
  matrix[F, geo_extra ? G : 1] coef_extra_features;
}
model {
  vector[T] seasonal;
  intercept ~ normal(0, 2);
  sigma ~ gamma(1, 1);
  coef_trend ~ normal(0, 1);
  channel_coef_media ~ normal(0, media_prior);
  for (c in 1:C) coef_media[c] ~ normal(0, channel_coef_media[c] * geo_scale);
  lag_weight ~ beta(2, 1);
  half_max_effective_concentration ~ gamma(1, 1);
  slope ~ gamma(1, 1);
  gamma_seasonality ~ normal(0, 1);
  coef_seasonality ~ normal(0, 0.5);
  to_vector(coef_extra_features) ~ normal(0, 1);
  if (D > 0) seasonal = season * gamma_seasonality;
  for (g in 1:G) {
    vector[T] mu;
    for (t in 1:T) mu[t] = intercept[g] + (t == 1 ? 0 : coef_trend[g] * pow(t_index[t], expo_trend));
    if (D > 0) mu += coef_seasonality[g] * seasonal;
    if (F > 0) mu += extra[g] * col(coef_extra_features, geo_extra ? g : 1);
    for (c in 1:C) {
      real a = 0;
      for (t in 1:T) {
        real s;
        a = (t == 1) ? media[g][1, c] : lag_weight[c] * a + media[g][t, c];
        s = a * (1 - lag_weight[c]);
        if (s > 0) mu[t] += coef_media[c, g] / (1 + pow(s / half_max_effective_concentration[c], -slope[c]));
      }
    }
    col(y, g) ~ normal(mu, sigma[g]);
  }
}
