// The Python client end to end (clients/python/tests/e2e_example.py): fits the
// bundled example through the client and through the CLI with one seed and
// checks the client gets the CLI's numbers (summary, ROI, optimised budget),
// then exports to netCDF and reads it with xarray. Needs python3 with numpy,
// xarray and netCDF4 (CI: Debian's python3-numpy, python3-xarray,
// python3-netcdf4); skipped, saying so, without them.

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./client.js";
import { findPython } from "./python.js";

const { python, why } = findPython(["numpy", "xarray", "netCDF4"]);

describe("Python client", () => {
  it.skipIf(!python)(`fits, reads ROI, optimises, exports and matches the CLI${python ? "" : ` (skipped: ${why})`}`, () => {
    const work = mkdtempSync(join(tmpdir(), "mmm-python-"));
    const r = spawnSync(python!, [join(ROOT, "clients/python/tests/e2e_example.py"), ROOT, work], {
      encoding: "utf8",
      env: { ...process.env, NODE: process.execPath },
    });
    expect(r.stderr).not.toMatch(/Traceback|Error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("e2e ok");
  }, 600_000);

  it.skipIf(!python)("works without numpy: lists in, lists out, errors as exceptions", () => {
    // numpy hidden: the client falls back to lists and struct for the compact encoding.
    const script = `
import sys, builtins
real_import = builtins.__import__
def no_numpy(name, *a, **k):
    if name == "numpy" or name.startswith("numpy."):
        raise ImportError("numpy hidden for this test")
    return real_import(name, *a, **k)
builtins.__import__ = no_numpy
sys.path.insert(0, sys.argv[1] + "/clients/python")
import mmm_wasm
from mmm_wasm import arrays
assert not arrays.has_numpy()
enc = arrays.encode([[1.5, -2.0], [3.25, 4.0]])
assert arrays.decode(enc) == [[1.5, -2.0], [3.25, 4.0]], arrays.decode(enc)
from mmm_wasm.errors import error_from
assert isinstance(error_from({"code": "not_converged", "message": "NOT CONVERGED"}), mmm_wasm.NotConvergedError)
assert isinstance(error_from({"code": "sampler_failure", "message": "chain 1 failed"}), mmm_wasm.SamplerFailure)
# The command as one string, split as a shell would; a command that is not there is the client's error, not OSError.
import shlex
with mmm_wasm.Engine(command=shlex.join([sys.argv[2], sys.argv[1] + "/bin/mmm.js"])) as engine:
    assert engine.info["protocol"] == 1
try:
    mmm_wasm.Engine(command="/no/such/mmm serve-me")
    raise AssertionError("a missing command started")
except mmm_wasm.MMMError as e:
    assert e.code == "engine_not_found" and "/no/such/mmm" in str(e), str(e)
with mmm_wasm.Engine(command=[sys.argv[2], sys.argv[1] + "/bin/mmm.js"]) as engine:
    mmm = mmm_wasm.LightweightMMM(engine=engine)
    try:
        mmm.summary()
        raise AssertionError("summary before fit")
    except mmm_wasm.InputError as e:
        assert "not fitted" in str(e)
    try:
        engine.request("summary", {"model": "model-7"})
        raise AssertionError("unknown model accepted")
    except mmm_wasm.NotFoundError as e:
        assert e.code == "not_found" and "model-7" in str(e), str(e)
    table = {"sales": [100 + (i % 7) * 3.0 for i in range(30)], "tv": [10 + (i % 5) for i in range(30)], "radio": [5 + (i % 3) for i in range(30)]}
    try:
        mmm.fit_table(table, target="sales", media=["tv", "raido"], number_warmup=10, number_samples=10, number_chains=1)
        raise AssertionError("a missing column was accepted")
    except mmm_wasm.InputError as e:
        assert str(e) == 'the table has no column "raido"; the columns are: sales, tv, radio (invalid_params)', str(e)
    # Arrays of the wrong shape are named as the arguments they are.
    for kwargs, message in [({"target": table["sales"][:-1]}, "target must be [periods] with media's 30 periods (got shape [29])"),
                            ({"target": table["sales"], "extra_features": table["tv"]}, "extra_features must be [periods, features] with media's 30 periods (got shape [30])")]:
        try:
            mmm.fit(media=[[a, b] for a, b in zip(table["tv"], table["radio"])], number_warmup=10, number_samples=10, number_chains=1, **kwargs)
            raise AssertionError("a wrong shape was accepted")
        except mmm_wasm.InputError as e:
            assert message in str(e), str(e)
    # The engine's warnings (here: too few effective draws for 20 draws) reach Python's warnings module and print_summary.
    import warnings, io, contextlib
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mmm.fit_table(table, target="sales", media=["tv", "radio"], number_warmup=30, number_samples=20, number_chains=1, seed=1, degrees_seasonality=0)
    said = [w for w in caught if issubclass(w.category, mmm_wasm.MMMWarning)]
    assert said and all(w.filename == "<string>" for w in said), [(w.filename, str(w.message)) for w in caught]
    assert any("effective draws down to" in str(w.message) for w in said), [str(w.message) for w in said]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        mmm.print_summary()
    out = printed.getvalue()
    assert "Number of divergences: %d" % mmm.diagnostics()["divergences"] in out and "warning: effective draws down to" in out, out
    roi = mmm.roi()
    assert [r["channel"] for r in roi] == ["tv", "radio"], roi
    dim = 0
    for block in mmm.info["parameters"]:
        size = 1
        for n in block["shape"]:
            size *= n
        dim += size
    lp, grad = mmm.log_density([[0.0] * dim, [0.1] * dim])
    assert len(lp) == 2 and len(grad[0]) == dim and all(isinstance(v, float) for v in lp), (lp, grad)
# Over HTTP: a server started with --port, its printed token; another token is refused.
import json, subprocess
proc = subprocess.Popen([sys.argv[2], sys.argv[1] + "/bin/mmm.js", "serve", "--port", "0"], stdout=subprocess.PIPE)
ready = json.loads(proc.stdout.readline())
try:
    remote = mmm_wasm.Engine(url=ready["url"], token=ready["token"])
    assert remote.info["protocol"] == 1
    try:
        mmm_wasm.Engine(url=ready["url"], token="0" * 64)
        raise AssertionError("a wrong token was accepted")
    except mmm_wasm.MMMError as e:
        assert e.code == "unauthorized", e.code
    remote.close()
    assert proc.wait(timeout=60) == 0
finally:
    if proc.poll() is None:
        proc.kill()
print("no-numpy ok")
`;
    const r = spawnSync(python!, ["-c", script, ROOT, process.execPath], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.stdout).toContain("no-numpy ok");
  }, 300_000);
});
