# Shared by scripts/demo.sh and scripts/test.sh: install missing Debian packages.
# Sourced, not run.

DK_PACKAGES=(cmake g++ make libboost-graph-dev libabsl-dev libbenchmark-dev catch2 zlib1g-dev
             liblzma-dev libmetis-dev xz-utils
             libosmium2-dev libprotozero-dev libbz2-dev libexpat1-dev nlohmann-json3-dev
             libgdal-dev tzdata libglpk-dev)
# The libFuzzer targets (fuzz/, scripts/fuzz.sh and the test command's fuzz smoke stage).
DK_FUZZ_PACKAGES=(clang libfuzzer-14-dev)

dk_ensure_packages() {
  local missing=()
  local p
  for p in "${DK_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dispatchkit: installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

dk_jobs() { nproc 2>/dev/null || echo 2; }
