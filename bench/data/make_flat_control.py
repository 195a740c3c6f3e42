# Writes flat_control_weekly.csv: weekly data from a generator independent of
# the project's simulator (src/simulate), with a control column that barely
# varies (price: coefficient of variation 0.35%), as a steady price index or
# a near-constant covariate in a user's file would. Such a column is almost a
# second intercept: the default fit's chains met a ridge there that a
# diagonal metric cannot follow (docs/convergence.md).
#
#   python3 bench/data/make_flat_control.py bench/data/flat_control_weekly.csv 101 156 4
#
# Media: per channel a level, yearly seasonality, on/off flights for about
# half of them and log-normal noise; effect: geometric adstock (normalised)
# then Hill saturation; baseline: level, linear trend, two yearly harmonics;
# price: a slow random walk around 1 with a negative effect; multiplicative
# noise (sd 6%).
import datetime
import sys

import numpy as np


def generate(path, seed, T, C, noise=0.06):
    r = np.random.default_rng(seed)
    t = np.arange(T)
    spend = np.zeros((T, C))
    for c in range(C):
        level = r.uniform(2000, 30000)
        season = 1 + 0.3 * np.sin(2 * np.pi * (t / 52.0 + r.uniform()))
        if r.uniform() < 0.5:
            on = np.convolve((r.uniform(size=T) < 0.7).astype(float), np.ones(3) / 3, mode="same") > 0.5
        else:
            on = np.ones(T)
        spend[:, c] = level * season * on * np.exp(r.normal(0, 0.3, T))
    x = spend / spend.mean(axis=0)
    lag = r.uniform(0.2, 0.8, C)
    half = r.uniform(0.5, 1.8, C)
    slope = r.uniform(0.8, 3.0, C)
    coef = r.uniform(0.05, 0.25, C)
    effect = np.zeros(T)
    for c in range(C):
        a = np.zeros(T)
        carried = 0.0
        for i in range(T):
            carried = x[i, c] + lag[c] * carried
            a[i] = carried
        a *= 1 - lag[c]
        effect += coef[c] * a ** slope[c] / (a ** slope[c] + half[c] ** slope[c])
    base = 0.6 + 0.1 * (t / T) + 0.05 * np.sin(2 * np.pi * t / 52.0) + 0.03 * np.cos(4 * np.pi * t / 52.0)
    price = 1 + 0.05 * np.cumsum(r.normal(0, 0.2, T)) / np.sqrt(T)
    sales = (base + effect - 0.3 * (price - 1)) * np.exp(r.normal(0, noise, T)) * 100000
    first = datetime.date(2021, 1, 4)
    with open(path, "w") as out:
        out.write(",".join(["week", "sales"] + ["ch%d" % c for c in range(C)] + ["price"]) + "\n")
        for i in range(T):
            row = [str(first + datetime.timedelta(weeks=i)), "%.2f" % sales[i]]
            row += ["%.2f" % spend[i, c] for c in range(C)] + ["%.4f" % price[i]]
            out.write(",".join(row) + "\n")


if __name__ == "__main__":
    generate(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
