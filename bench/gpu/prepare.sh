#!/usr/bin/env bash
# Here, before a session's first device-tool call, when its task is lent a GPU:
# packs into .gpu/ (git-ignored, about 50 MB) what bench/gpu/session.sh needs
# on the lent machine, which reaches no package registry and may lack Node and
# the Vulkan loader: the built library (dist/index.js, dist/worker.js), its one
# runtime package (csv-parse), Dawn's `webgpu` package for linux-x64, this
# Node binary (xz), Debian's libvulkan1 and the commit the rows ran at.
# Then: run(command="bash bench/gpu/session.sh 540", carry=[".gpu"], timeout_s=600).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build >/dev/null
rm -rf .gpu
mkdir -p .gpu/dist .gpu/node_modules/webgpu/dist .gpu/debs
cp dist/index.js dist/worker.js .gpu/dist/
cp -r node_modules/csv-parse .gpu/node_modules/
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/node_modules/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .gpu/node_modules/webgpu/dist/
xz -T0 -6 -c "$(command -v node)" > .gpu/node.xz
(cd .gpu/debs && apt-get download -q libvulkan1) || echo "libvulkan1 not downloaded: the session relies on the machine's own Vulkan loader"
git rev-parse --short HEAD > .gpu/commit
# The device tool carries at most 64 MiB with the working tree.
size=$(du -sm .gpu | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cm 2>/dev/null | tail -1 | cut -f1)
echo ".gpu: ${size} MiB; tracked files: about ${tree} MiB (the tool's limit: 64 MiB in all)"
[ $((size + tree)) -lt 64 ] || { echo "too large to carry"; exit 1; }
