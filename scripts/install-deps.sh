#!/usr/bin/env bash
# Installs every Debian 12 package innochain needs to build, run and test.
# Runs as root (CI) or through sudo.
set -euo pipefail
packages=(
  cmake g++ make pkg-config git
  libtbb-dev libyaml-cpp-dev libhdf5-dev hdf5-tools libeigen3-dev catch2
  librandom123-dev libcli11-dev libfmt-dev libssl-dev
  # Boost (header-only): Student t quantiles in compare, Sobol sequences in sweeps; MPI sweeps.
  libboost-dev openmpi-bin libopenmpi-dev
  # Micro benchmarks (cmake -DINNOCHAIN_BENCHMARKS=ON; not part of CI's test run).
  libbenchmark-dev
  # The scenario-decoder fuzzer (fuzz/, scripts/fuzz.sh) and the sanitizer builds
  # (scripts/sanitize.sh): clang with its libFuzzer and sanitizer runtimes.
  clang-14 libclang-rt-14-dev
  # The C++ style check (scripts/check-format.sh, ctest format_check).
  clang-format-14
  # The analysis package and its tests run on Debian's /usr/bin/python3; setuptools, pip and
  # venv build and install it offline (analysis/pyproject.toml, ctest analysis_pip_install).
  python3 python3-h5py python3-h5netcdf python3-xarray python3-pandas python3-numpy
  python3-pytest python3-matplotlib python3-scipy python3-yaml
  python3-setuptools python3-pip python3-venv
)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
