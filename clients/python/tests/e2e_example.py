"""End to end through the Python client (run by test/serve/python.test.ts).

Fits the bundled example through the client and through the CLI with the
same seed and settings, and checks that the client gets the CLI's numbers:
the posterior summary, ROI, and a budget optimisation; exports the posterior
to netCDF, opens it with xarray and compares its draws with the engine's.
Needs python3 with numpy and xarray (and netCDF4); small draw counts keep it fast.

usage: python3 e2e_example.py REPO_ROOT WORK_DIR
"""

import csv
import json
import warnings
import math
import os
import subprocess
import sys

import numpy as np
import xarray as xr

ROOT, WORK = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import mmm_wasm  # noqa: E402

CLI = [os.environ.get("NODE", "node"), os.path.join(ROOT, "bin", "mmm.js")]
CHANNELS = ["tv", "search", "social", "radio", "display"]
EXTRA = ["price_index", "competitor_promo"]
SETTINGS = {"chains": 2, "warmup": 300, "samples": 300, "seed": 11}
BUDGET, PERIODS = 400000, 13


def close(a, b, what, rel=1e-12):
    if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-12):
        raise AssertionError("%s: client %r, CLI %r" % (what, a, b))


def cli(*args):
    r = subprocess.run(CLI + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("mmm %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r


# The example, read as a user would (numpy arrays).
with open(os.path.join(ROOT, "examples", "weekly_sales.csv")) as f:
    rows = list(csv.DictReader(f))
dates = [r["week"] for r in rows]
target = np.array([float(r["sales"]) for r in rows])
media = np.array([[float(r[c]) for c in CHANNELS] for r in rows])
extra = np.array([[float(r[c]) for c in EXTRA] for r in rows])

# The same fit through the CLI.
fit_dir = os.path.join(WORK, "cli-fit")
cli("fit", "--example", "--chains", str(SETTINGS["chains"]), "--warmup", str(SETTINGS["warmup"]), "--samples", str(SETTINGS["samples"]),
    "--seed", str(SETTINGS["seed"]), "--no-report", "--out", fit_dir)
plan_file = os.path.join(WORK, "plan.json")
cli("optimize", fit_dir, "--budget", str(BUDGET), "--periods", str(PERIODS), "--out", plan_file)
with open(os.path.join(fit_dir, "roi.json")) as f:
    cli_roi = {r["channel"]: r for r in json.load(f)["channels"]}
with open(os.path.join(fit_dir, "summary.json")) as f:
    cli_summary = json.load(f)
with open(plan_file) as f:
    cli_plan = json.load(f)

events = []
with mmm_wasm.Engine(command=CLI) as engine:
    mmm = mmm_wasm.LightweightMMM(model_name="hill_adstock", engine=engine)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mmm.fit(media=media, target=target, extra_features=extra, media_names=CHANNELS, extra_feature_names=EXTRA, dates=dates,
                number_warmup=SETTINGS["warmup"], number_samples=SETTINGS["samples"], number_chains=SETTINGS["chains"],
                seed=SETTINGS["seed"], on_progress=events.append)
    # The data checks mmm fit prints reach Python as warnings: the example's spend spikes in search and radio.
    checks = [str(w.message) for w in caught if issubclass(w.category, mmm_wasm.MMMWarning) and str(w.message).startswith("data check: ")]
    assert [c.split('"')[1] for c in checks if "robust sds" in c] == ["search", "radio"], checks
    assert events and events[-1]["event"] == "progress", "no progress events"
    assert mmm.channels == CHANNELS

    # Same seed, same data: the same posterior as the CLI's, to the last digit the files keep.
    for row in mmm.summary():
        for key in ("mean", "sd", "r_hat"):
            close(row[key], cli_summary[row["name"]][key], "%s %s" % (row["name"], key))

    roi = {r["channel"]: r for r in mmm.roi()}
    for ch in CHANNELS:
        close(roi[ch]["mean"], cli_roi[ch]["mean"], "ROI of " + ch)
        close(roi[ch]["hdi_97%"], cli_roi[ch]["hdi_97%"], "ROI 97% HDI of " + ch)
    mroi = {r["channel"]: r for r in mmm.marginal_roi()}
    for ch in CHANNELS:
        close(mroi[ch]["mean"], cli_roi[ch]["marginal_roi"]["mean"], "marginal ROI of " + ch)

    plan = mmm.optimize_media(budget=BUDGET, n_time_periods=PERIODS)
    for ch in CHANNELS:
        close(plan["spend_after"][ch], cli_plan["spend_after"][ch], "optimised spend of " + ch, rel=1e-9)
    close(plan["kpi_after"]["mean"], cli_plan["kpi_after"]["mean"], "optimised KPI", rel=1e-9)
    assert abs(sum(plan["spend_after"].values()) - BUDGET) < 1e-6 * BUDGET

    # Predict 4 weeks after a 2-week gap: draws [draws, periods].
    new_media = media[-4:]
    draws = mmm.predict(media=new_media, extra_features=extra[-4:], media_gap=media[-2:], extra_features_gap=extra[-2:], seed=3)
    assert draws.shape == (SETTINGS["chains"] * SETTINGS["samples"], 4), draws.shape
    assert np.all(np.isfinite(draws))

    # Errors arrive as exceptions with the engine's message.
    try:
        mmm.predict(media=media[-4:, :3], extra_features=extra[-4:])
        raise AssertionError("a wrong media shape was accepted")
    except mmm_wasm.InputError as e:
        assert "5 channels" in str(e), str(e)
    # A missing value (NaN, which JSON cannot carry) reaches the engine as null, named by column and row (index).
    holed = media.copy()
    holed[3, 1] = np.nan
    try:
        mmm_wasm.LightweightMMM(engine=engine).fit(media=holed, target=target, media_names=CHANNELS, number_warmup=10, number_samples=10, number_chains=1)
        raise AssertionError("a NaN in media was accepted")
    except mmm_wasm.InputError as e:
        assert 'media column "%s", row 3: no value' % CHANNELS[1] in str(e), str(e)

    # netCDF export, opened by xarray: the engine's draws under ArviZ's names.
    nc = os.path.join(WORK, "posterior.nc")
    mmm.export(nc, format="netcdf")
    posterior = xr.open_dataset(nc, group="posterior")
    assert list(posterior.channel.values) == CHANNELS
    assert dict(posterior.sizes)["chain"] == SETTINGS["chains"] and dict(posterior.sizes)["draw"] == SETTINGS["samples"]
    trace = mmm.trace
    np.testing.assert_array_equal(posterior.coef_media.values.reshape(-1, len(CHANNELS)), trace["coef_media"])
    close(float(posterior.coef_media.sel(channel="tv").mean()), cli_summary["coef_media[0]"]["mean"], "coef_media[tv] mean from netCDF")
    stats = xr.open_dataset(nc, group="sample_stats")
    assert stats.diverging.dtype == bool and stats.tree_depth.dtype.kind == "i"
    observed = xr.open_dataset(nc, group="observed_data")
    np.testing.assert_array_equal(observed.target.values, target)
    constant = xr.open_dataset(nc, group="constant_data")
    np.testing.assert_array_equal(constant.media.values, media)

    # Save, load, and the same answers from the loaded model.
    saved = os.path.join(WORK, "model.mmm")
    mmm_wasm.save_model(mmm, saved)
    loaded = mmm_wasm.load_model(saved, engine=engine)
    close(loaded.roi()[0]["mean"], roi["tv"]["mean"], "ROI of tv after load")

    try:
        import arviz  # noqa: F401
        idata = mmm.to_inference_data()
        # ArviZ < 1 returns InferenceData (groups()), ArviZ 1.x an xarray DataTree (children).
        groups = set(idata.groups()) if callable(getattr(idata, "groups", None)) else set(idata.children)
        assert groups >= {"posterior", "sample_stats", "observed_data", "constant_data"}, groups
        np.testing.assert_array_equal(np.asarray(idata["posterior"]["coef_media"]).reshape(-1, len(CHANNELS)), trace["coef_media"])
        print("arviz: to_inference_data ok")
    except ImportError:
        print("arviz not installed: to_inference_data not checked")

print("e2e ok: %d progress events; ROI tv %.4f; optimised KPI %.1f" % (len(events), roi["tv"]["mean"], plan["kpi_after"]["mean"]))
