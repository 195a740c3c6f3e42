"""A LightweightMMM-shaped model backed by the mmm-wasm engine.

    mmm = LightweightMMM(model_name="hill_adstock")
    mmm.fit(media=media, media_prior=costs, target=sales, extra_features=extra,
            number_warmup=1000, number_samples=1000, number_chains=4, seed=1)
    mmm.print_summary()
    prediction = mmm.predict(media=new_media, extra_features=new_extra, media_gap=gap)

Differences from LightweightMMM: pass data in its own units (the engine
scales target, media and extra features itself, as `mmm fit` does); media
is [periods, channels] (geo: [periods, channels, geos]); media_prior is the
total cost per channel (default: the spend in the training rows).
"""

import os
import shutil
import tempfile
import warnings

from . import arrays
from .engine import default_engine
from .errors import InputError, MMMWarning


def _names(prefix, n, given):
    if given is None:
        return ["%s_%d" % (prefix, i) for i in range(n)]
    given = [str(x) for x in given]
    if len(given) != n:
        raise InputError("invalid_params", "%d %s names for %d columns" % (len(given), prefix, n))
    return given


def _shape(values):
    if arrays.has_numpy():
        return list(arrays.np.shape(values))
    shape, level = [], values
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        level = level[0] if level else None
    return shape


class LightweightMMM:
    """A media mix model fitted (and queried) by the engine. Attributes after fit: model_id, channels, trace."""

    def __init__(self, model_name="hill_adstock", engine=None):
        self.model_name = model_name
        self.engine = engine
        self.model_id = None
        self.channels = None
        self.extra_names = None
        self.info = None
        self._data_id = None

    # -- fitting -----------------------------------------------------------
    def _engine(self):
        if self.engine is None:
            self.engine = default_engine()
        return self.engine

    def fit(self, media, media_prior=None, target=None, extra_features=None, degrees_seasonality=2, seasonality_frequency=52,
            weekday_seasonality=False, media_names=None, extra_feature_names=None, dates=None, number_warmup=1000,
            number_samples=1000, number_chains=2, target_accept_prob=None, init_strategy="jitter", custom_priors=None,
            seed=None, on_progress=None, **sampler):
        """Fits the model to arrays: media [T, C], target [T], extra_features [T, F] (optional), in the data's own units."""
        if target is None:
            raise InputError("invalid_params", "fit needs target (the KPI per period)")
        media_shape = _shape(media)
        if len(media_shape) != 2:
            raise InputError("invalid_params", "media must be [periods, channels] (got shape %s); for geo data use fit_table with a geo column" % media_shape)
        T, C = media_shape
        # Shapes checked here, where the arguments have their names; the engine sees columns only.
        target_shape = _shape(target)
        if target_shape != [T]:
            raise InputError("invalid_params", "target must be [periods] with media's %d periods (got shape %s)" % (T, target_shape))
        if extra_features is not None:
            extra_shape = _shape(extra_features)
            if len(extra_shape) != 2 or extra_shape[0] != T:
                raise InputError("invalid_params", "extra_features must be [periods, features] with media's %d periods (got shape %s)" % (T, extra_shape))
        if dates is not None and len(list(dates)) != T:
            raise InputError("invalid_params", "dates must have media's %d periods (got %d)" % (T, len(list(dates))))
        channels = _names("channel", C, media_names)
        media_rows = arrays.to_lists(media)
        columns = {"target": arrays.to_lists(target)}
        for c, name in enumerate(channels):
            columns[name] = [row[c] for row in media_rows]
        extra = []
        if extra_features is not None:
            extra_rows = arrays.to_lists(extra_features)
            F = len(extra_rows[0]) if extra_rows else 0
            extra = _names("extra", F, extra_feature_names)
            for f, name in enumerate(extra):
                columns[name] = [row[f] for row in extra_rows]
        taken = set(channels) | set(extra)
        if "target" in taken:
            raise InputError("invalid_params", "a media or extra feature is named 'target'")
        selection = {"target": "target", "media": channels, "extra": extra}
        if dates is not None:
            columns["date"] = [d.isoformat()[:10] if hasattr(d, "isoformat") else str(d) for d in list(dates)]
            selection["date"] = "date"
        return self._fit_columns(columns, selection, media_prior, degrees_seasonality, seasonality_frequency, weekday_seasonality,
                                 number_warmup, number_samples, number_chains, target_accept_prob, init_strategy, custom_priors,
                                 seed, on_progress, sampler)

    def fit_table(self, table, target, media, extra=None, date=None, geo=None, costs=None, degrees_seasonality=2,
                  seasonality_frequency=52, weekday_seasonality=False, number_warmup=1000, number_samples=1000,
                  number_chains=2, target_accept_prob=None, init_strategy="jitter", custom_priors=None, seed=None,
                  on_progress=None, **sampler):
        """Fits the model to a DataFrame-like table (pandas, polars, dict of columns) or a CSV path; geo data with geo=COLUMN."""
        selection = {"target": target, "media": list(media), "extra": list(extra or [])}
        if date is not None:
            selection["date"] = date
        if geo is not None:
            selection["geo"] = geo
        if isinstance(table, (str, os.PathLike)):
            columns = {"csv": os.fspath(table)}
        else:
            names = [target] + list(media) + list(extra or []) + [c for c in (date, geo) if c is not None]
            columns = {"columns": {name: arrays.column(table, name) for name in names}}
        return self._fit_columns(columns, selection, costs, degrees_seasonality, seasonality_frequency, weekday_seasonality,
                                 number_warmup, number_samples, number_chains, target_accept_prob, init_strategy, custom_priors,
                                 seed, on_progress, sampler, source_given=True)

    def _fit_columns(self, columns, selection, costs, degrees, frequency, weekday, warmup, samples, chains, accept, init,
                     priors, seed, on_progress, sampler, source_given=False):
        engine = self._engine()
        source = columns if source_given else {"columns": columns}
        loaded = engine.request("load_data", dict(source, **selection))
        self._data_id = loaded["data"]
        # stacklevel 3: the warning points at the caller of fit / fit_table.
        for message in loaded.get("warnings") or []:
            warnings.warn(message, MMMWarning, stacklevel=3)
        for check in loaded.get("data_checks") or []:
            where = " (geo %s)" % check["geo"] if "geo" in check else ""
            warnings.warn("data check%s: %s" % (where, check["message"]), MMMWarning, stacklevel=3)
        params = {
            "data": self._data_id,
            "model": self.model_name,
            "costs": arrays.to_lists(costs),
            "degrees_seasonality": degrees,
            "seasonality_frequency": frequency,
            "weekday_seasonality": weekday,
            "chains": chains,
            "warmup": warmup,
            "samples": samples,
            "init": init,
            "priors": priors,
            "seed": seed,
            "progress": on_progress is not None,
        }
        # None: the engine's default for the model kind (0.95 national, 0.85 geo; LightweightMMM's is 0.85).
        if accept is not None:
            params["target_accept"] = accept
        params.update(sampler)
        try:
            self.info = engine.request("fit", params, on_event=on_progress)
        finally:
            engine.request("free", {"id": self._data_id})
            self._data_id = None
        self.model_id = self.info["model"]
        self.channels = self.info["channels"]
        self.extra_names = self.info["extra"]
        # The sampler's warnings (chains that disagree, divergences, few effective draws), as `mmm fit` prints them.
        for message in (self.info.get("diagnostics") or {}).get("warnings") or []:
            warnings.warn(message, MMMWarning, stacklevel=3)
        return self

    def _require(self):
        if self.model_id is None:
            raise InputError("invalid_params", "the model is not fitted yet: call fit (or load) first")
        return self._engine()

    def _ask(self, method, **params):
        engine = self._require()
        params["model"] = self.model_id
        return engine.request(method, params)

    # -- questions ---------------------------------------------------------
    def summary(self):
        """Posterior summary rows: name, mean, sd, hdi_3%, hdi_97%, mcse_mean, mcse_sd, ess_bulk, ess_tail, r_hat."""
        return self._ask("summary")["rows"]

    def print_summary(self):
        """The posterior summary, then the number of divergences (as numpyro prints it) and the sampler's warnings."""
        rows = self.summary()
        cols = ["mean", "sd", "hdi_3%", "hdi_97%", "ess_bulk", "r_hat"]
        width = max(len(r["name"]) for r in rows)
        print(" " * width + "".join("%12s" % c for c in cols))
        for r in rows:
            print(r["name"].ljust(width) + "".join("%12s" % ("%.4g" % r[c] if r[c] is not None else "nan") for c in cols))
        d = self.diagnostics()
        print()
        print("Number of divergences: %d" % d["divergences"])
        for message in d.get("warnings") or []:
            print("warning: " + message)

    def diagnostics(self):
        return self._ask("diagnostics")

    def metrics(self):
        return self._ask("metrics")

    @property
    def trace(self):
        """Posterior draws per parameter, [chains * draws, ...] as LightweightMMM's trace (numpy when installed)."""
        out = {}
        for name, enc in self._ask("posterior")["parameters"].items():
            shape = enc["shape"]
            merged = dict(enc, shape=[shape[0] * shape[1]] + shape[2:])
            out[name] = arrays.decode(merged)
        return out

    def predict(self, media, extra_features=None, media_gap=None, extra_features_gap=None, seed=None, include_noise=True,
                max_draws=None, summary=False):
        """Posterior predictive for new periods after the data: draws [draws, periods] (or intervals with summary=True)."""
        result = self._ask(
            "predict",
            media=arrays.to_lists(media),
            extra=arrays.to_lists(extra_features),
            media_gap=arrays.to_lists(media_gap),
            extra_gap=arrays.to_lists(extra_features_gap),
            seed=seed,
            include_noise=include_noise,
            max_draws=max_draws,
            draws=not summary,
        )
        if summary:
            return result
        draws = result.get("draws") if "draws" in result else result["national"]["draws"]
        T = len(arrays.to_lists(media))
        rows = [draws[k * T:(k + 1) * T] for k in range(result["drawCount"])]
        return arrays.as_array(rows)

    def contributions(self):
        return self._ask("contributions")

    def roi(self, draws=False):
        """ROI per channel over the training periods: mean and 94% HDI (and draws with draws=True)."""
        return self._ask("roi", draws=draws)["roi"]

    def marginal_roi(self, relative_step=None):
        return self._ask("marginal_roi", relative_step=relative_step)["marginal_roi"]

    def response_curves(self, multipliers=None, max_draws=None):
        return self._ask("response_curves", multipliers=multipliers, max_draws=max_draws)["curves"]

    def optimize_media(self, budget, n_time_periods=13, prices=None, bounds_lower_pct=0.2, bounds_upper_pct=0.2, **options):
        """The split of `budget` over the next n_time_periods that maximises the KPI (LightweightMMM's find_optimal_budgets)."""
        return self._ask("optimize", budget=budget, periods=n_time_periods, prices=arrays.to_lists(prices),
                         bounds_lower_pct=bounds_lower_pct, bounds_upper_pct=bounds_upper_pct, **options)

    def log_density(self, points, gradient=True):
        """Log-density (with the Jacobian) and its gradient at points [n, dim] on the unconstrained scale."""
        result = self._ask("log_density", points=arrays.encode(points), gradient=gradient)
        lp = arrays.decode(result["logp"])
        return (lp, arrays.decode(result["gradient"])) if gradient else lp

    # -- files -------------------------------------------------------------
    def save(self, path):
        return self._ask("save", path=os.path.abspath(path))

    @classmethod
    def load(cls, path, engine=None):
        mmm = cls(engine=engine)
        mmm.info = mmm._engine().request("load", {"path": os.path.abspath(path)})
        mmm.model_id = mmm.info["model"]
        mmm.model_name = None
        mmm.channels = mmm.info["channels"]
        mmm.extra_names = mmm.info["extra"]
        return mmm

    def export(self, path, format="netcdf"):
        """Writes the posterior in ArviZ's InferenceData layout (netcdf, zarr or csv)."""
        return self._ask("export", path=os.path.abspath(path), format=format)

    def to_inference_data(self):
        """An arviz.InferenceData of the posterior (needs arviz, xarray and netCDF4)."""
        try:
            import arviz as az
        except ImportError:
            raise ImportError("to_inference_data needs arviz: pip install arviz (or apt-get install python3-arviz)") from None
        folder = tempfile.mkdtemp(prefix="mmm-wasm-")
        try:
            path = os.path.join(folder, "posterior.nc")
            self.export(path, "netcdf")
            idata = az.from_netcdf(path)
            idata.load()  # into memory, so the file can go
            return idata
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def free(self):
        """Lets the engine forget this model."""
        if self.model_id is not None:
            self._engine().request("free", {"id": self.model_id})
            self.model_id = None


def save_model(media_mix_model, file_path):
    """LightweightMMM's utils.save_model."""
    media_mix_model.save(file_path)


def load_model(file_path, engine=None):
    """LightweightMMM's utils.load_model."""
    return LightweightMMM.load(file_path, engine=engine)
