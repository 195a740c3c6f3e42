// `mmm serve` over stdio, as a subprocess: every message checked against
// the protocol's JSON Schema; malformed, out-of-order and oversized messages
// and a cancelled fit each get their error, and the server keeps serving.

import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MmmDensity } from "../../src/density/mmmDensity.js";
import { parseCsv } from "../../src/io/csv.js";
import { totalSpend } from "../../src/model/dataset.js";
import { datasetFromTable } from "../../src/io/datasetTable.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { fitScalers, scaleRows } from "../../src/model/scaling.js";
import { makeStructure, mediaPriorFromCosts } from "../../src/model/structure.js";
import { decodeFloat64, encodeFloat64 } from "../../src/serve/protocol.js";
import { EXAMPLE_CSV, EXAMPLE_DATA, StdioClient, type Reply } from "./client.js";

const SMALL_FIT = { chains: 2, warmup: 80, samples: 60, seed: 7 };

describe("mmm serve (stdio)", () => {
  let server: StdioClient;
  let data: string;
  let model: string;
  const dir = mkdtempSync(join(tmpdir(), "mmm-serve-"));

  beforeAll(async () => {
    server = new StdioClient();
    const ready = await server.waitFor((m) => m.event === "ready");
    expect(ready.protocol).toBe(1);
    data = (await server.call("load_data", EXAMPLE_DATA)).data;
    model = (await server.call("fit", { data, ...SMALL_FIT })).model;
  });
  afterAll(() => server.stop());

  it("streams progress events for a fit, then its response", async () => {
    const events = server.messages.filter((m) => m.event === "progress");
    expect(events.length).toBeGreaterThan(10);
    const last = events.filter((e) => e.chain === 0).at(-1)!;
    expect(last).toMatchObject({ phase: "sampling", iteration: 140, total: 140 });
    const fitResponse = server.messages.findIndex((m) => "result" in m && (m.result as { model?: string }).model === model);
    expect(server.messages.indexOf(last)).toBeLessThan(fitResponse);
  });

  it("answers malformed messages with errors and keeps serving", async () => {
    const before = server.messages.length;
    server.sendRaw("this is not json");
    server.sendRaw("[1, 2, 3]");
    server.sendRaw('{"method": "hello"}');
    server.sendRaw('{"id": 5, "method": "hello", "extra": 1}');
    server.sendRaw('{"id": 6, "method": 7}');
    server.sendRaw('{"id": 8, "method": "hello", "params": [1]}');
    const unknown = await server.sendInvalid("no_such_method");
    expect(unknown.error?.code).toBe("unknown_method");
    const errors = server.messages.slice(before).filter((m) => "error" in m) as { id: unknown; error: { code: string; message: string } }[];
    expect(errors.map((e) => e.error.code)).toEqual(["parse_error", "invalid_request", "invalid_request", "invalid_request", "invalid_request", "invalid_request", "unknown_method"]);
    expect(errors.slice(0, 3).map((e) => e.id)).toEqual([null, null, null]);
    expect(errors[3]!.id).toBe(5);
    expect(errors[3]!.error.message).toContain("extra");
    expect((await server.call("hello")).engine).toBe("mmm-wasm");
  });

  it("names the parameter at fault", async () => {
    const r = await server.sendInvalid("fit", { data, chains: 0 });
    expect(r.error).toEqual({ code: "invalid_params", message: expect.stringContaining("chains must be an integer from 1") });
    const typo = await server.sendInvalid("summary", { model, modle: 1 });
    expect(typo.error?.message).toContain("unknown parameter modle");
    const missing = await server.sendInvalid("load_data", { target: "sales", media: ["tv"] });
    expect(missing.error?.code).toBe("invalid_params");
    // Fits that fail inside the engine: the error names the cause, and the server goes on.
    const prior = await server.send("fit", { data, chains: 1, warmup: 10, samples: 10, priors: { slope: { dist: "Gamma", concentration: -1, rate: 1 } } });
    expect(prior.error?.code).toBe("input_error");
    expect(prior.error?.message).toMatch(/slope/);
    const rows = await server.send("fit", { data, chains: 1, warmup: 10, samples: 10, train_rows: 500 });
    expect(rows.error).toEqual({ code: "input_error", message: expect.stringContaining("between 1 and 156") });
    const column = await server.send("load_data", { ...EXAMPLE_DATA, media: ["tv", "cinema"] });
    expect(column.error?.code).toBe("input_error");
    expect(column.error?.message).toContain("cinema");
  });

  it("answers requests out of order: unknown ids, nothing to cancel, a model freed", async () => {
    expect((await server.send("summary", { model: "model-99" })).error?.code).toBe("not_found");
    expect((await server.send("fit", { data: "data-42" })).error?.code).toBe("not_found");
    expect((await server.send("cancel", { request: "never-sent" })).error?.code).toBe("not_found");
    const loaded = await server.call("load_data", EXAMPLE_DATA);
    // The data checks mmm fit prints, as data: the example's two spend spikes (mmm check names the same).
    const outliers = loaded.data_checks.filter((c: { kind: string }) => c.kind === "outlier");
    expect(outliers.map((c: { columns: string[] }) => c.columns)).toEqual([["search"], ["radio"]]);
    expect(outliers[0].message).toMatch(/^media column "search" has 1 value more than 4 robust sds from its median .*: row 61 \(2023-02-20\)/);
    expect((await server.call("free", { id: loaded.data })).freed).toBe(loaded.data);
    expect((await server.send("fit", { data: loaded.data })).error?.code).toBe("not_found");
    expect((await server.send("free", { id: loaded.data })).error?.code).toBe("not_found");
  });

  it("answers the questions a fitted model takes", async () => {
    const summary = await server.call("summary", { model });
    expect(summary.rows.map((r: { name: string }) => r.name)).toContain("coef_media[0]");
    const diagnostics = await server.call("diagnostics", { model });
    expect(diagnostics).toMatchObject({ chains: 2, draws: 60, seed: 7 });
    const roi = await server.call("roi", { model });
    expect(roi.roi.map((r: { channel: string }) => r.channel)).toEqual(EXAMPLE_DATA.media);
    expect(roi.roi[0].draws).toBeUndefined();
    const withDraws = await server.call("roi", { model, draws: true });
    expect(withDraws.roi[0].draws).toHaveLength(120);
    expect((await server.call("marginal_roi", { model })).marginal_roi).toHaveLength(5);
    const draws = await server.call("posterior", { model });
    const coef = decodeFloat64(draws.parameters.coef_media, "coef_media");
    expect(coef.shape).toEqual([2, 60, 5]);
    const coefMean = coef.values.reduce((a, b) => a + b, 0) / 600;
    const summaryMean = summary.rows.filter((r: { name: string }) => r.name.startsWith("coef_media[")).reduce((a: number, r: { mean: number }) => a + r.mean, 0) / 5;
    expect(coefMean).toBeCloseTo(summaryMean, 12);
    expect((await server.call("contributions", { model })).channels).toEqual(EXAMPLE_DATA.media);
    expect((await server.call("metrics", { model })).train.r2).toBeGreaterThan(0.5);
    expect((await server.call("response_curves", { model, multipliers: [0, 1, 2], max_draws: 20 })).curves[0].points).toHaveLength(3);
    const media = Array.from({ length: 4 }, () => [10000, 3000, 12000, 8000, 1000]);
    const extra = Array.from({ length: 4 }, () => [1, 0.5]);
    const prediction = await server.call("predict", { model, media, extra, seed: 1 });
    expect(prediction.periods).toHaveLength(4);
    const gap = await server.call("predict", { model, media, extra, media_gap: media, extra_gap: extra, seed: 1 });
    expect(gap.periods[0].mean).not.toBe(prediction.periods[0].mean);
    const wrongShape = await server.send("predict", { model, media: [[1, 2]], extra: [[1, 0.5]] });
    expect(wrongShape.error?.message).toContain("5 channels");
    const plan = await server.call("optimize", { model, budget: 100000, periods: 4 });
    const spent = Object.values(plan.spend_after as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(spent).toBeCloseTo(100000, 3);
    const badBudget = await server.sendInvalid("optimize", { model, budget: -1 });
    expect(badBudget.error?.code).toBe("input_error");
  });

  it("saves, loads and exports", async () => {
    const file = join(dir, "m.mmm");
    expect((await server.call("save", { model, path: file })).bytes).toBeGreaterThan(1000);
    const loaded = await server.call("load", { path: file });
    expect(loaded.model).not.toBe(model);
    const a = await server.call("summary", { model });
    const b = await server.call("summary", { model: loaded.model });
    expect(b.rows).toEqual(a.rows);
    const nc = join(dir, "posterior.nc");
    const exported = await server.call("export", { model, path: nc, format: "netcdf" });
    expect(exported.groups).toEqual(["posterior", "sample_stats", "observed_data", "constant_data"]);
    expect(readFileSync(nc).subarray(1, 4).toString()).toBe("HDF");
    const missing = await server.send("load", { path: join(dir, "nope.mmm") });
    expect(missing.error?.code).toBe("input_error");
    expect(existsSync(join(dir, "nope.mmm"))).toBe(false);
  });

  it("evaluates log-density and gradient batches exactly as in-process, encoded or as lists", async () => {
    const created = await server.call("create_density", { data });
    const dim: number = created.dim;
    // The same density in this process, built as fitMMM builds it.
    const dataset = datasetFromTable(parseCsv(readFileSync(EXAMPLE_CSV, "utf8"), "x"), EXAMPLE_DATA);
    const structure = makeStructure({ nChannels: 5, nExtra: 2, mediaPrior: mediaPriorFromCosts(totalSpend(dataset), 0.15) });
    const layout = new ParameterLayout(structure);
    expect(created.labels).toEqual(layout.labels());
    const local = new MmmDensity(layout, scaleRows(dataset, fitScalers(dataset, dataset.T)));
    const n = 7;
    const points = Float64Array.from({ length: n * dim }, (_, i) => Math.sin(i * 12.9898) * 0.8);
    const reply = await server.call("log_density", { density: created.density, points: encodeFloat64(points, [n, dim]) });
    const lp = decodeFloat64(reply.logp, "logp").values;
    const grad = decodeFloat64(reply.gradient, "gradient").values;
    const g = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      expect(lp[i]).toBe(local.logpGrad(points.subarray(i * dim, (i + 1) * dim), g));
      expect(Array.from(grad.subarray(i * dim, (i + 1) * dim))).toEqual(Array.from(g));
    }
    const lists = await server.call("log_density", { density: created.density, points: [Array.from(points.subarray(0, dim))] });
    expect(lists.logp[0]).toBe(lp[0]);
    expect(lists.gradient[0]).toEqual(Array.from(grad.subarray(0, dim)));
    const noJacobian = await server.call("log_density", { density: created.density, points: [Array.from(points.subarray(0, dim))], gradient: false, jacobian: false });
    expect(noJacobian.logp[0]).not.toBe(lp[0]);
    expect(noJacobian.gradient).toBeUndefined();
    const fitted = await server.call("log_density", { model, points: [Array.from(points.subarray(0, dim))] });
    expect(fitted.logp[0]).toBe(lp[0]);
    const short = await server.send("log_density", { density: created.density, points: { dtype: "float64", shape: [2, dim], data: "AAAA" } });
    expect(short.error?.message).toContain("bytes");
    const wrongDim = await server.send("log_density", { density: created.density, points: [[1, 2]] });
    expect(wrongDim.error?.message).toContain(`[n, ${dim}]`);
  });

  it("cancels a fit midway and keeps serving", async () => {
    const id = "long-fit";
    const pending = server.send("fit", { data, chains: 1, warmup: 1500, samples: 1500, seed: 3 }, id);
    await server.waitFor((m) => m.event === "progress" && m.id === id);
    // A second fit under the same id is refused (its answer carries that id too).
    server.sendRaw(JSON.stringify({ id, method: "fit", params: { data, chains: 1, warmup: 10, samples: 10 } }));
    const duplicate = await pending;
    expect(duplicate.error?.code).toBe("duplicate_id");
    expect((await server.call("list")).running_fits).toEqual([id]);
    expect((await server.call("cancel", { request: id })).cancelled).toBe(id);
    const r = await server.waitFor((m) => m.id === id && (m as Reply).error?.code === "cancelled");
    expect(r).toMatchObject({ error: { message: expect.stringContaining("cancelled") } });
    const list = await server.call("list");
    expect(list.running_fits).toEqual([]);
    expect(list.models).toEqual([model, expect.any(String)]);
    expect((await server.call("summary", { model })).rows.length).toBeGreaterThan(10);
  });

  it("answers lockstep chains that did not agree with not_converged, keeps no model and serves on", async () => {
    // 8 lockstep chains after 20 warm-up iterations cannot agree: the fit must say so, not return a summary.
    const before = (await server.call("list")).models;
    const r = await server.send("fit", { data, sampler: "chees", backend: "cpu", chains: 8, warmup: 20, samples: 20, seed: 1, progress: false });
    expect(r.error?.code).toBe("not_converged");
    expect(r.error?.message).toMatch(/NOT CONVERGED: .*nested R-hat/);
    expect((await server.call("list")).models).toEqual(before);
    expect((await server.call("hello")).engine).toBe("mmm-wasm");
  });
});

describe("mmm serve (stdio) bounds and endings", () => {
  it("drops an oversized message with too_large and serves the next", async () => {
    const server = new StdioClient(["--max-request-mb", "0.01"]);
    server.sendRaw(JSON.stringify({ id: "big", method: "hello", params: { pad: "x".repeat(50_000) } }));
    const err = await server.waitFor((m) => "error" in m);
    expect(err).toMatchObject({ id: null, error: { code: "too_large" } });
    expect((await server.call("hello")).protocol).toBe(1);
    await server.stop();
    expect(await server.exited).toBe(0);
  });

  it("bounds the models held and the fits running", async () => {
    const server = new StdioClient(["--max-models", "1", "--max-running-fits", "1"]);
    const { data } = await server.call("load_data", EXAMPLE_DATA);
    const first = server.send("fit", { data, chains: 1, warmup: 30, samples: 20, progress: false }, "a");
    const second = await server.send("fit", { data, chains: 1, warmup: 30, samples: 20 }, "b");
    expect(second.error?.code).toBe("limit_reached");
    expect(second.error?.message).toContain("--max-running-fits");
    expect((await first).result.model).toBe("model-1");
    const third = await server.send("fit", { data, chains: 1, warmup: 30, samples: 20 });
    expect(third.error).toMatchObject({ code: "limit_reached", message: expect.stringContaining("--max-models 1") });
    await server.stop();
  });

  it("ends the session on close, cancelling what runs", async () => {
    const server = new StdioClient();
    const { data } = await server.call("load_data", EXAMPLE_DATA);
    const running = server.send("fit", { data, chains: 1, warmup: 1500, samples: 1500 }, "f");
    await server.waitFor((m) => m.event === "progress");
    const closed = await server.call("close");
    expect(closed.cancelled_fits).toEqual(["f"]);
    expect((await running).error?.code).toBe("cancelled");
    expect(await server.exited).toBe(0);
  });

  it("ends an abandoned session (stdin closed) and an idle one", async () => {
    const abandoned = new StdioClient();
    await abandoned.waitFor((m) => m.event === "ready");
    abandoned.child.stdin.end();
    expect(await abandoned.exited).toBe(0);
    const idle = new StdioClient(["--idle-timeout", "0.3"]);
    expect(await idle.exited).toBe(0);
    expect(idle.stderr.join("")).toContain("--idle-timeout");
  });
});
