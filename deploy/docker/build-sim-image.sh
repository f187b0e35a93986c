#!/usr/bin/env bash
# Builds the aigis-sim image (aigis-sim:local by default) on the Docker engine at DOCKER_HOST, with no registry:
# a self-contained publish of src/Aigis.Sim (invariant globalization, so no ICU is needed), put by `aigis image build`
# into an image FROM scratch with the host's shared libraries the .NET runtime loads (libc, libstdc++, ...).
# Usage: deploy/docker/build-sim-image.sh [TAG]   (from the repository root; ~120 MB image)
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-aigis-sim:local}"
out="artifacts/aigis-sim-linux-x64"
dotnet publish src/Aigis.Sim -c Release -r linux-x64 --self-contained -p:InvariantGlobalization=true -o "$out"
dotnet run --project src/Aigis -- image build --from "$out" --tag "$tag" --entrypoint aigis-sim
