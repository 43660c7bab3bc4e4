#!/usr/bin/env bash
# Installs the Debian packages inbeeld needs to build, run and test.
# Idempotent: only missing packages are installed; run as root (make does).
# Each package is listed with the reason we need it.
set -euo pipefail

packages=(
  # --- build ---
  build-essential      # gcc, make, libc headers
  cmake                # build system (CMake + ctest)
  pkg-config           # finds library flags
  clang                # second compiler (warnings), libFuzzer fuzz targets
  libclang-rt-14-dev   # clang's sanitizer and libFuzzer runtimes
  # --- libraries linked into inbeeld ---
  libsqlite3-dev       # embedded database (default store)
  libsodium-dev        # BSN encryption, keyed hashes, argon2id passwords
  libjansson-dev       # JSON import reports and API bodies
  libgsl-dev           # chi-square and normal tails for the monitor
  libmicrohttpd-dev    # HTTP server of `inbeeld serve` (API, web application)
  libxlsxwriter-dev    # XLSX downloads of the monitor figures and exports (API)
  libpwquality-dev     # refuses weak passwords (user add/passwd): palindromes, user name, dictionary words
  cracklib-runtime     # ... the dictionary libpwquality checks against (/var/cache/cracklib)
  wdutch               # ... Dutch words in that dictionary (cracklib-runtime adds /usr/share/dict/dutch)
  libutf8proc-dev      # Unicode normalisation (NFKD, case fold) of names for record linkage
  wrk                  # HTTP load generator of bench/http (requests/s, latency percentiles)
  # --- tests ---
  libcmocka-dev        # unit tests via ctest
  sqlite3              # the sqlite3 shell: peer in the import benchmark, checks in tests
  valgrind             # memory checks of the CLI in the test suite
  r-base-core          # statistics oracle: R ...
  r-cran-survival      # ... with the survival package (survfit, survdiff, coxph)
  python3              # end-to-end test scripts (CLI, and the API tests in tests/api)
  time                 # /usr/bin/time -v: peak memory in the benchmarks
  # --- web application ---
  nodejs               # npm installs the web app's packages (uPlot, NL Design System CSS); runs the browser tests
  chromium             # headless browser for the web app's end-to-end tests (driven by playwright-core)
  fonts-dejavu-core    # a font for the browser tests' screenshots
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# npm is part of NodeSource's nodejs but a package of its own in Debian.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
