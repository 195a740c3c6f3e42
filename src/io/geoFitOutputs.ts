// The files `mmm fit --geo` writes: the national fit's files by the same
// names, each with a geo column: rows for every geo and the national roll-up
// (geo "(all)"). Per-geo values per period are posterior means (no HDI
// columns filled): their intervals would need every draw of every period,
// channel and geo at once.

import type { FittedGeoMMM } from "../api/fittedGeoMMM.js";
import type { PanelContributions as GeoContributions } from "../analysis/contributions.js";
import type { Interval } from "../analysis/intervals.js";
import type { ChannelRoi } from "../analysis/roi.js";
import { csvText } from "./csvWrite.js";
import { contributionsHeader, contributionsRow, json, startFitOutputs } from "./fitOutputs.js";

/** The geo label of national roll-up rows. */
export const NATIONAL_GEO = "(all)";

const iv = (x: Interval | ChannelRoi) => ({ mean: x.mean, "hdi_3%": x["hdi_3%"], "hdi_97%": x["hdi_97%"] });

export function geoContributionsCsv(fit: FittedGeoMMM, c: GeoContributions = fit.contributions()): string {
  const header = ["geo", ...contributionsHeader(c.channels)];
  const rows: (string | number | undefined)[][] = c.national.periods.map((p) => [NATIONAL_GEO, ...contributionsRow(p)]);
  for (const g of c.perGeo) {
    for (const p of g.periods) rows.push([g.geo, p.index, p.date, p.actual, p.prediction, "", "", p.baseline, "", "", ...p.media.flatMap((m) => [m, "", ""])]);
  }
  return csvText(header, rows);
}

export function writeGeoFitOutputs(fit: FittedGeoMMM, dir: string): string[] {
  const { put, written } = startFitOutputs(fit, dir);
  const c = fit.contributions();
  put("contributions.csv", geoContributionsCsv(fit, c));
  const roi = fit.roi();
  put("roi.json", json(geoRoiFile(fit, c)));
  put(
    "roi.csv",
    csvText(
      ["geo", "channel", "spend", "contribution", "contribution_share", "roi", "roi_hdi_3%", "roi_hdi_97%"],
      [
        ...roi.national.map((r, i) => [NATIONAL_GEO, r.channel, r.spend, c.national.totals.media[i].mean, c.national.totals.media[i].share, r.mean, r["hdi_3%"], r["hdi_97%"]]),
        ...roi.perGeo.flatMap((g, gi) =>
          g.channels.map((r, i) => [g.geo, r.channel, r.spend, c.perGeo[gi].totals.media[i].mean, c.perGeo[gi].totals.media[i].share, r.mean, r["hdi_3%"], r["hdi_97%"]]),
        ),
      ],
    ),
  );
  return written;
}

/** roi.json of a geo fit: national entries (the fields of roi().national, draws left out) and per geo. */
export function geoRoiFile(fit: FittedGeoMMM, c: GeoContributions = fit.contributions()): { channels: unknown[]; geos: Record<string, unknown[]> } {
  const roi = fit.roi();
  const mroi = fit.marginalRoi();
  // The fields of fit.roi()'s entries (draws left out), as in the national roi.json.
  const entry = (r: ChannelRoi, contribution: { mean: number; share: number }, marginal?: ChannelRoi) => ({
    channel: r.channel,
    spend: r.spend,
    ...iv(r),
    contribution: contribution.mean,
    contribution_share: contribution.share,
    ...(marginal ? { marginal_roi: iv(marginal) } : {}),
    ...(r.note ? { note: r.note } : {}),
  });
  return {
    channels: roi.national.map((r, i) => entry(r, c.national.totals.media[i], mroi[i])),
    geos: Object.fromEntries(roi.perGeo.map((g, gi) => [g.geo, g.channels.map((r, i) => entry(r, c.perGeo[gi].totals.media[i]))])),
  };
}
