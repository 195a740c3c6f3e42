// How far apart two fits' posteriors are: the largest |difference of posterior
// means| in units of the reference fit's posterior sd, and where.

interface Summarised {
  summary(): { name: string; mean: number; sd: number }[];
}

export function maxStandardisedGap(a: Summarised, reference: Summarised): { gap: number; name: string } {
  const ref = new Map(reference.summary().map((r) => [r.name, r]));
  let gap = 0;
  let name = "";
  for (const r of a.summary()) {
    const s = ref.get(r.name)!;
    const z = Math.abs(r.mean - s.mean) / s.sd;
    if (z > gap) [gap, name] = [z, r.name];
  }
  return { gap, name };
}
