#!/usr/bin/env bash
# On a lent GPU machine, one device-tool call after bench/gpu/prepare.sh here:
#   run(command="bash bench/gpu/session.sh 540", carry=[".gpu"], timeout_s=600)
# Within BUDGET seconds (default 540): the kernels checked against the CPU on
# the GPU (bench/gpu/check.mjs), the lane counts timed (bench/gpuLanes.mjs),
# then default-size lockstep rows (bench/lockstep.mjs) with the fastest lane
# count that passed the check, one dataset and chain count at a time, in PLAN
# order, while the budget lasts (a fit cut short leaves no row; those before
# it are kept). Everything lands under $OUT; then, here:
#   node bench/lockstep.mjs --merge <files_at>/lockstep-gpu.json
# ALLOW_SOFTWARE=1 lets it run on a software adapter, and LOCKSTEP_ARGS adds
# options to every row's command (a dry run on SwiftShader: ALLOW_SOFTWARE=1
# LOCKSTEP_ARGS="--warmup 20 --samples 10" PLAN=example:8).
set -uo pipefail
cd "$(dirname "$0")/../.."
budget=${1:-540}
out=${OUT:-/tmp/gpu-session}
plan=${PLAN:-"example:256 t156c4:256 example:64 t156c4:64 geo:256 geo:64"}
mkdir -p "$out"
began=$SECONDS
left() { echo $((budget - (SECONDS - began))); }
atMost() { local l; l=$(left); echo $((l < $1 ? l : $1)); }
log() { echo "[$((SECONDS - began)) s] $*" | tee -a "$out/session.log"; }

[ -d .gpu ] || { log "no .gpu folder: run bench/gpu/prepare.sh first and carry .gpu"; exit 2; }
# Node: the machine's own, else the carried binary.
if ! command -v node >/dev/null; then
  mkdir -p /tmp/gpu-node
  if command -v xz >/dev/null; then
    xz -dc .gpu/node.xz >/tmp/gpu-node/node
  else
    python3 -c 'import lzma, shutil; shutil.copyfileobj(lzma.open(".gpu/node.xz"), open("/tmp/gpu-node/node", "wb"))'
  fi
  chmod +x /tmp/gpu-node/node
  export PATH=/tmp/gpu-node:$PATH
fi
# The Vulkan loader Dawn opens, where the machine has none.
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# The NVIDIA driver's Vulkan manifest, where the loader would not find it.
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1 &&
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
[ -e dist ] || ln -s .gpu/dist dist
[ -e node_modules ] || ln -s .gpu/node_modules node_modules
# Rows name the commit they ran at (the machine's copy may have no git).
MMM_BENCH_COMMIT=$(cat .gpu/commit)
export MMM_BENCH_COMMIT
log "node $(node --version), commit $MMM_BENCH_COMMIT"

adapter=$(node --input-type=module -e '
  const { gpu, isSoftwareAdapter } = await import("./dist/index.js");
  const probe = await gpu.probeWebGpu();
  if (!probe.available) { console.log("none: " + probe.reason); process.exit(1); }
  console.log(probe.adapter);
  process.exit(isSoftwareAdapter(probe.adapter) ? 3 : 0);' 2>>"$out/session.log")
status=$?
log "adapter: $adapter"
if [ $status -eq 1 ] || { [ $status -eq 3 ] && [ -z "${ALLOW_SOFTWARE:-}" ]; }; then
  log "no GPU adapter: nothing measured"
  exit 1
fi

timeout "$(atMost 150)" node bench/gpu/check.mjs --lanes 4,16,32,64 --results "$out/gpu-check.json" 2>&1 | grep -v XDG_RUNTIME_DIR | tee -a "$out/session.log"
checked=${PIPESTATUS[0]}
national=1
geo=1
if [ "$checked" -eq 0 ]; then
  timeout "$(atMost 120)" node bench/gpuLanes.mjs --chains 256 --lanes 1,4,16,32,64 --results "$out/gpu-lanes.json" 2>&1 | grep -v XDG_RUNTIME_DIR | tee -a "$out/session.log"
  # The fastest lane count per model size (1 where the timing did not finish).
  read -r national geo < <(node -e '
    const fs = require("fs");
    const f = process.argv[1];
    const rows = fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")).rows : [];
    const best = (prefix) => rows.filter((r) => r.model.startsWith(prefix)).sort((a, b) => a.msPerStep - b.msPerStep)[0]?.lanes ?? 1;
    console.log(best("national"), best("geo"));' "$out/gpu-lanes.json")
else
  log "the kernel check failed (status $checked): rows run with one lane a chain"
fi
log "lanes: national $national, geo $geo"

for entry in $plan; do
  dataset=${entry%%:*}
  chains=${entry##*:}
  lanes=$national
  [ "$dataset" = geo ] && lanes=$geo
  if [ "$(left)" -lt 60 ]; then
    log "budget spent: $entry and after not run"
    break
  fi
  log "$dataset at $chains chains, $lanes lanes"
  timeout "$(left)" node bench/lockstep.mjs --backends webgpu --datasets "$dataset" --chains "$chains" --gpu-lanes "$lanes" \
    --results "$out/lockstep-gpu.json" ${LOCKSTEP_ARGS:-} 2>&1 | grep -v XDG_RUNTIME_DIR | tee -a "$out/session.log"
done
log "done"
