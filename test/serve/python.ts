// Finding a Python 3 that has the modules a test needs (CI: Debian's
// python3 with python3-numpy, python3-xarray, python3-netcdf4). Tests that
// need one are skipped, saying why, when there is none.

import { spawnSync } from "node:child_process";

export function findPython(modules: string[]): { python?: string; why: string } {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => !!p);
  let why = "no python3 found";
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" });
    if (r.error) continue;
    if (r.status === 0) return { python, why: "" };
    why = `${python} lacks ${modules.join(", ")} (${r.stderr.trim().split("\n").at(-1)})`;
  }
  return { why };
}
