import { beforeAll, describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import type { FittedGeoMMM } from "../../src/api/fittedGeoMMM.js";
import { NO_SPEND_NOTE } from "../../src/analysis/roi.js";
import { geoRoiFile, roiFile } from "../../src/io/fitOutputs.js";
import { narrative } from "../../src/report/narrative.js";
import { simulateDataset } from "../../src/simulate/simulate.js";
import { makeGeoTestData } from "../helpers/geoSimulated.js";

// One rule for a channel without spend, national or geo: its ROI (and
// marginal ROI) is null with the reason stated, never NaN or Infinity.

const sampler = { chains: 1, warmup: 60, samples: 30, seed: 3, threads: 0 };

describe("ROI of a channel that spent nothing", () => {
  let national: FittedMMM;
  let geo: FittedGeoMMM;

  beforeAll(async () => {
    const { dataset } = simulateDataset({ seed: 4, T: 40, channels: 2, extras: 0 });
    for (let t = 0; t < 30; t++) dataset.media[t * 2 + 1] = 0; // channel 1 spends only after the training rows
    national = await fitMMM(dataset, { sampler, costs: [1, 1], scalers: { media: ["mean", { divisor: 100 }] } }, { trainRows: 30 });
    const g = makeGeoTestData({ G: 2, T: 30, C: 2, seed: 3 });
    const d = g.dataset;
    for (let t = 0; t < d.T; t++) d.media[(t * 2 + 1) * 2 + 0] = 0; // channel 1 never spends in geo 0
    geo = await fitMMM(d, { sampler, scalers: { media: ["mean", { divisor: 100 }] } });
  }, 120_000);

  it("national: null ROI and marginal ROI with the reason, the other channel a number", () => {
    const [spent, idle] = national.roi();
    expect(Number.isFinite(spent.mean)).toBe(true);
    expect(spent.note).toBeUndefined();
    expect(idle).toMatchObject({ spend: 0, mean: null, "hdi_3%": null, "hdi_97%": null, note: NO_SPEND_NOTE });
    expect(idle.draws).toHaveLength(0);
    expect(national.marginalRoi()[1]).toMatchObject({ mean: null, note: NO_SPEND_NOTE });
  });

  it("national: roi.json carries null and the note, the report names the channel", () => {
    const text = JSON.stringify(roiFile(national));
    expect(text).not.toMatch(/NaN|Infinity/);
    const entry = roiFile(national).channels[1] as Record<string, unknown>;
    expect(entry.mean).toBeNull();
    expect(entry.note).toBe(NO_SPEND_NOTE);
    const channel = national.channelNames[1];
    expect(narrative(national).findings.some((f) => f.toLowerCase().includes(channel.toLowerCase()) && f.includes("spent nothing"))).toBe(true);
  });

  it("geo: null per-geo ROI where the channel never spent, a number elsewhere", () => {
    const r = geo.roi();
    expect(r.perGeo[0].channels[1]).toMatchObject({ spend: 0, mean: null, note: NO_SPEND_NOTE });
    expect(Number.isFinite(r.perGeo[1].channels[1].mean)).toBe(true);
    expect(Number.isFinite(r.national[1].mean)).toBe(true);
    const file = geoRoiFile(geo);
    expect(JSON.stringify(file)).not.toMatch(/NaN|Infinity/);
    expect(file.geos.geo0[1]).toMatchObject({ mean: null, note: NO_SPEND_NOTE });
  });
});
