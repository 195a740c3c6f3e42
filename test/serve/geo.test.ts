// A geo (regional) model through the server: columns sent inline, a small
// fit, per-geo answers, and an export whose dimensions carry the geo names.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, describe, expect, it } from "vitest";
import { simulateGeoDataset } from "../../src/simulate/simulate.js";
import { geoSimulationColumns } from "../../src/simulate/geoSimulationTable.js";
import { StdioClient } from "./client.js";

describe("mmm serve with a geo model", () => {
  const server = new StdioClient();
  afterAll(() => server.stop());

  it("loads inline columns, fits, answers per geo and exports with a geo dimension", async () => {
    const sim = simulateGeoDataset({ seed: 4, T: 40, channels: 2, geos: 3, extras: 1, degreesSeasonality: 1 });
    const columns = geoSimulationColumns(sim, ["price"]);
    const loaded = await server.call("load_data", { columns, target: "sales", media: sim.channelNames, extra: ["price"], date: "date", geo: "geo" });
    expect(loaded).toMatchObject({ kind: "geo", periods: 40, geos: sim.geoNames });
    // Each geo's own checks name their geo; those of the national totals name none. A spend spike in the
    // second geo's first channel (row 10 of that geo; rows are date-major, one per geo) is that geo's.
    const channel = sim.channelNames[0]!;
    const spiked = { ...columns, [channel]: columns[channel]!.map((v, i) => (i === 10 * 3 + 1 ? 50 * (v as number) + 50 : v)) };
    const checked = await server.call("load_data", { columns: spiked, target: "sales", media: sim.channelNames, extra: ["price"], date: "date", geo: "geo" });
    for (const c of checked.data_checks) expect(c.geo === undefined || sim.geoNames.includes(c.geo)).toBe(true);
    expect(checked.data_checks).toContainEqual(expect.objectContaining({ kind: "outlier", geo: sim.geoNames[1], columns: [channel] }));
    expect(checked.data_checks.filter((c: { geo?: string; kind: string }) => c.geo === sim.geoNames[1] && c.kind === "outlier")[0].message).toMatch(/robust sds/);
    await server.call("free", { id: checked.data });
    const fit = await server.call("fit", { data: loaded.data, chains: 1, warmup: 60, samples: 30, seed: 2, degrees_seasonality: 1, progress: false });
    expect(fit.geos).toEqual(sim.geoNames);
    const roi = await server.call("roi", { model: fit.model });
    expect(roi.roi.perGeo.map((g: { geo: string }) => g.geo)).toEqual(sim.geoNames);
    const media = [[[1, 2, 3], [1, 1, 1]]];
    const prediction = await server.call("predict", { model: fit.model, media, extra: [[1]] });
    expect(prediction.perGeo).toHaveLength(3);
    const wrong = await server.send("predict", { model: fit.model, media: [[1, 2], [1, 1]] });
    expect(wrong.error?.code).toBe("invalid_params");

    const nc = join(mkdtempSync(join(tmpdir(), "mmm-geo-")), "geo.nc");
    await server.call("export", { model: fit.model, path: nc });
    await h5wasm.ready;
    const f = new h5wasm.File(nc, "r");
    try {
      const coef = f.get("posterior/coef_media") as InstanceType<typeof h5wasm.Dataset>;
      expect(coef.shape).toEqual([1, 30, 2, 3]);
      expect(coef.get_attached_scales(3)).toEqual(["/posterior/geo"]);
      expect((f.get("posterior/geo") as InstanceType<typeof h5wasm.Dataset>).value).toEqual(sim.geoNames);
      expect((f.get("posterior/intercept") as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([1, 30, 3]);
      expect((f.get("observed_data/target") as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([40, 3]);
      expect((f.get("constant_data/media") as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([40, 2, 3]);
    } finally {
      f.close();
    }
  });
});
