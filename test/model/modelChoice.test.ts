import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/fit/config.js";
import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure } from "../../src/model/structure.js";
import { transformParameterNames, transformPriors } from "../../src/model/modelChoice.js";
import { InputError } from "../../src/errors.js";

const layoutOf = (model: string) =>
  new ParameterLayout(makeStructure({ model: model as never, nChannels: 2, mediaPrior: [0.1, 0.2] }));

describe("model choice", () => {
  it("an adstock and a saturation name a composed model; the presets stay", () => {
    expect(resolveConfig({ adstock: "weibull_pdf", saturation: "logistic" }).model).toBe("weibull_pdf+logistic");
    expect(resolveConfig({ saturation: "tanh" }).model).toBe("geometric+tanh");
    expect(resolveConfig({}).model).toBe("hill_adstock");
    expect(resolveConfig({ model: "carryover" }).model).toBe("carryover");
    expect(resolveConfig({ model: "delayed+michaelis_menten" }).model).toBe("delayed+michaelis_menten");
  });

  it("unknown names and contradictions are input errors naming the option", () => {
    expect(() => resolveConfig({ adstock: "binomial" as never })).toThrow(/adstock must be one of geometric/);
    expect(() => resolveConfig({ saturation: "sigmoid" as never })).toThrow(/saturation must be one of hill/);
    expect(() => resolveConfig({ model: "geometric+foo" as never })).toThrow(InputError);
    expect(() => resolveConfig({ model: "carryover", adstock: "geometric" })).toThrow(/not both/);
    expect(() => resolveConfig({ maxLag: 0 })).toThrow(/max lag/);
  });

  it("parameter names: the adstock's then the saturation's, in the layout after coef_media", () => {
    expect(transformParameterNames("weibull_cdf+hill")).toEqual([
      "weibull_scale",
      "weibull_shape",
      "half_max_effective_concentration",
      "slope",
    ]);
    expect(transformParameterNames("delayed+none")).toEqual(["lag_weight", "peak_delay"]);
    const labels = layoutOf("geometric+logistic").labels();
    expect(labels.slice(labels.indexOf("coef_media[1]") + 1, labels.indexOf("coef_media[1]") + 5)).toEqual([
      "lag_weight[0]",
      "lag_weight[1]",
      "logistic_rate[0]",
      "logistic_rate[1]",
    ]);
  });

  it("default priors: PyMC-Marketing's for composed models, LightweightMMM's for the presets", () => {
    expect(transformPriors("geometric+logistic")).toEqual({
      lag_weight: { dist: "Beta", concentration1: 1, concentration0: 3 },
      logistic_rate: { dist: "Gamma", concentration: 3, rate: 1 },
    });
    // Gamma(mu 2, sd 1) is shape 4, rate 2; Gamma(mu 3, sd 1) is shape 9, rate 3.
    expect(transformPriors("weibull_pdf+none")).toEqual({
      weibull_scale: { dist: "Gamma", concentration: 4, rate: 2 },
      weibull_shape: { dist: "Gamma", concentration: 9, rate: 3 },
    });
    expect(layoutOf("hill_adstock").block("lag_weight").priors[0]).toEqual({
      dist: "Beta",
      concentration1: 2,
      concentration0: 1,
    });
    expect(layoutOf("geometric+hill").block("slope").priors[0]).toEqual({ dist: "HalfNormal", scale: 1.5 });
  });

  it("custom priors by name work for the new parameters, and keep their supports", () => {
    const s = makeStructure({
      model: "delayed+tanh",
      nChannels: 1,
      mediaPrior: [0.1],
      customPriors: { peak_delay: { dist: "Gamma", concentration: 2, rate: 1 } },
    });
    expect(new ParameterLayout(s).block("peak_delay").priors[0].dist).toBe("Gamma");
    const bad = { ...s, customPriors: { tanh_scale: { dist: "Normal", loc: 0, scale: 1 } } };
    expect(() => new ParameterLayout(bad as never)).toThrow(/tanh_scale must lie in \[0, Infinity\]/);
    const unknown = { ...s, customPriors: { slope: { dist: "HalfNormal", scale: 1 } } };
    expect(() => new ParameterLayout(unknown as never)).toThrow(/unknown parameter "slope"/);
  });
});
