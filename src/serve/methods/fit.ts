// fit and cancel: a fit runs in worker threads while the server keeps
// answering; progress goes out as events with the fit's request id, and
// cancel (or the end of the session) stops the chains between iterations.

import { fitAnyMMM } from "../../api/fitMMM.js";
import type { ChainProgress } from "../../services/runChains.js";
import { ServeError, type RequestId } from "../protocol.js";
import type { HeldModel } from "../session.js";
import type { Method, MethodContext } from "./context.js";
import { readModelConfig, readSamplerConfig } from "./modelParams.js";

/** About 50 progress events per chain and phase: enough for a progress bar, few enough not to flood the pipe. */
function throttledProgress(ctx: MethodContext): (p: ChainProgress) => void {
  return (p) => {
    const step = Math.max(1, Math.floor(p.total / 50));
    if (p.iteration % step !== 0 && p.iteration !== p.total) return;
    ctx.emit({ event: "progress", id: ctx.id, chain: p.chainId, phase: p.phase, iteration: p.iteration, total: p.total, divergences: p.divergences });
  };
}

export function describeModel(id: string, fit: HeldModel): Record<string, unknown> {
  return {
    model: id,
    kind: fit.kind,
    channels: fit.channelNames,
    ...(fit.kind === "geo" ? { geos: fit.geoNames } : {}),
    extra: fit.record.dataset.extraNames,
    parameters: fit.layout.blocks.map((b) => ({ name: b.name, shape: b.shape })),
    diagnostics: fit.diagnostics(),
  };
}

export const fit: Method = async (p, ctx) => {
  const held = ctx.session.data.get(p.string("data"));
  const config = { ...readModelConfig(p), sampler: readSamplerConfig(p) };
  const trainRows = p.integer("train_rows", 1);
  const progress = p.boolean("progress") ?? true;
  p.done();
  const controller = ctx.session.startFit(ctx.id);
  const callbacks = {
    ...(trainRows !== undefined ? { trainRows } : {}),
    ...(progress ? { onProgress: throttledProgress(ctx) } : {}),
    signal: controller.signal,
  };
  let fitted: HeldModel;
  try {
    fitted = await fitAnyMMM(held.dataset, config, callbacks);
  } catch (e) {
    if (controller.signal.aborted) throw cancelled(ctx.id);
    throw e;
  } finally {
    ctx.session.endFit(ctx.id);
  }
  // Stopped chains return partial draws: a cancelled fit is reported as such and not kept.
  if (controller.signal.aborted) throw cancelled(ctx.id);
  const id = ctx.session.models.add(fitted);
  return describeModel(id, fitted);
};

function cancelled(id: RequestId): ServeError {
  return new ServeError("cancelled", `fit ${JSON.stringify(id)} was cancelled; no model was kept`);
}

export const cancel: Method = (p, { session }) => {
  const request = p.raw("request");
  if (typeof request !== "string" && typeof request !== "number") {
    throw new ServeError("invalid_params", "cancel: request must be the id (string or number) of a running fit request");
  }
  p.done();
  if (!session.cancel(request)) {
    const running = session.runningFits;
    throw new ServeError("not_found", `no running fit with request id ${JSON.stringify(request)}${running.length ? ` (running: ${running.join(", ")})` : " (none is running)"}`);
  }
  return { cancelled: request };
};
