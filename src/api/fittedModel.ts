// What every fitted model has, national or geo: its bytes, its channels and
// the lift-test check; the two kinds differ only in the shape of their
// answers (a geo model's carry a per-geo breakdown).

import { liftTestCheck, type LiftTestCheck } from "../analysis/liftTestCheck.js";
import { panelOf, type AnyFitRecord } from "../analysis/panel.js";
import { PosteriorFit } from "../fit/posteriorFit.js";
import { serializeFit } from "../fit/savedModel.js";
import { geoLiftScales } from "../model/scaling.js";
import type { LiftTest } from "../model/liftTests.js";

export abstract class FittedModel<R extends AnyFitRecord> extends PosteriorFit<R> {
  /** The whole fitted model as one versioned binary file (see fit/savedModel.ts). */
  toBytes(): Uint8Array {
    return serializeFit(this.record);
  }

  get channelNames(): string[] {
    return this.record.dataset.channelNames;
  }

  /** Each lift test's measured lift against the model's (default: the tests the fit was calibrated on). */
  liftTestCheck(tests: readonly LiftTest[] | undefined = this.record.config.liftTests): LiftTestCheck[] {
    const r = this.record;
    const p = panelOf(r);
    return liftTestCheck(
      {
        structure: r.structure,
        layout: this.layout,
        chains: r.chains,
        channels: p.channelNames,
        ...(r.kind === "geo" ? { geos: p.geoNames } : {}),
        scales: geoLiftScales(p.scalers),
        calibratedOn: r.config.liftTests,
      },
      tests ?? [],
    );
  }
}
