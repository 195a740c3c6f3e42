// WGSL for a workgroup of LANES invocations sharing one position (the
// kernel option `lanes`, `--gpu-lanes`): the scratch accessors, the barrier
// and the lanes' sum, the channels' contributions summed in channel order,
// and the entry points. program.ts builds the rest for both layouts: its
// loops start at the invocation's lane and stride by LANES, and the values a
// lane alone must finish (scalar gradients, the total) are lane 0's.

/**
 * A workgroup of LANES invocations per position: its scratch contiguous
 * (laneScratchRows), each channel in its own rows so that channels run on
 * different lanes at once; sync() is a barrier of the workgroup's control
 * and of its storage and workgroup memory.
 */
export function laneAccessorsWgsl(lanes: number): string {
  return /* wgsl */ `
const LANES: u32 = ${lanes}u;
var<workgroup> laneParts: array<vec4<f32>, ${lanes}>;
var<workgroup> shared1: f32;
fn sbase() -> u32 { return chain * U.rows; }
fn s0(t: u32) -> u32 { return sbase() + t; }
fn cIdx(c: u32, t: u32) -> u32 { return sbase() + U.T + c * U.T + t; }
fn s1c(c: u32, t: u32) -> u32 { return sbase() + U.T + (U.C + c) * U.T + t; }
fn xIdx(i: u32) -> u32 { return sbase() + U.T + 2u * U.C * U.T + i; }
fn wIdx(c: u32, l: u32) -> u32 { return sbase() + U.T + 2u * U.C * U.T + U.dim + c * U.lags + l; }
fn channelIntoMu(c: u32, t: u32, v: f32) { scratch[cIdx(c, t)] = v; }
fn sync() {
  storageBarrier();
  workgroupBarrier();
}
// The lanes' sum, valid on lane 0, in lane order; called by every lane.
fn laneSum4(v: vec4<f32>) -> vec4<f32> {
  laneParts[lane] = v;
  workgroupBarrier();
  var s = vec4<f32>(0.0);
  if (lane == 0u) {
    for (var l = 0u; l < LANES; l++) {
      s += laneParts[l];
    }
  }
  workgroupBarrier();
  return s;
}
`;
}

/** mu[t] += each channel's contribution, in channel order (lanes sharing a position). */
export const SUM_CONTRIBUTIONS = /* wgsl */ `fn sumContributions() {
  for (var t = lane; t < U.T; t += LANES) {
    var m = scratch[s0(t)];
    for (var c = 0u; c < U.C; c++) {
      m += scratch[cIdx(c, t)];
    }
    scratch[s0(t)] = m;
  }
}

`;

/**
 * The entry points when a workgroup of `lanes` shares each position (one
 * position per workgroup): the same steps, the kicks and drifts split over
 * the lanes; lane 0's values are broadcast where every lane must branch alike.
 */
export function laneEntryPointsWgsl(lanes: number): string {
  return /* wgsl */ `fn setup(b: u32, l: u32) {
  chain = b;
  pb = b * U.dim;
  db = dataIndex[b] * U.dataStride;
  lane = l;
}

@compute @workgroup_size(${lanes})
fn evaluate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  if (wid.x >= U.B) {
    return;
  }
  setup(wid.x, l);
  let lp = evalChain();
  if (lane == 0u) {
    lps[chain] = lp;
  }
}

@compute @workgroup_size(${lanes})
fn leapfrog(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  if (wid.x >= U.B) {
    return;
  }
  setup(wid.x, l);
  if (lane == 0u) {
    shared1 = lps[chain];
  }
  if (!isFiniteF(workgroupUniformLoad(&shared1))) {
    return;
  }
  let eps = U.stepSize * invMetric[U.dim + chain];
  let halfEps = 0.5 * eps;
  for (var i = lane; i < U.dim; i += LANES) {
    let m = mom[pb + i] + halfEps * grad[pb + i];
    mom[pb + i] = m;
    pos[pb + i] = pos[pb + i] + eps * invMetric[i] * m;
  }
  sync();
  let lp = evalChain();
  if (lane == 0u) {
    lps[chain] = lp;
    shared1 = lp;
  }
  let moving = isFiniteF(workgroupUniformLoad(&shared1));
  // Lane 0 finished the gradient (the trend's map, a non-finite result's zeros).
  storageBarrier();
  if (!moving) {
    return;
  }
  for (var i = lane; i < U.dim; i += LANES) {
    mom[pb + i] = mom[pb + i] + halfEps * grad[pb + i];
  }
}
`;
}
