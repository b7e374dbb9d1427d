#!/usr/bin/env bash
# Installs the Debian 12 packages gbakd needs, and only those that are missing.
# Idempotent: when everything is present it returns in well under a second.
# Usage: tools/install-deps.sh [--check]   (--check: list what is missing, install nothing)
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libdpdk-dev dpdk dpdk-dev        # DPDK 22.11: EAL, ethdev, dpdk-testpmd, dpdk-telemetry.py
  librte-net-af-packet23 librte-net-pcap23 librte-net-tap23   # virtual PMDs (no NIC needed)
  librte-net-ring23 librte-net-null23 librte-mempool-ring23  # (recommends, not pulled in by -dev)
  libipsec-mb-dev                  # Intel IPsec-MB 1.3 (no .pc file: -lIPSec_MB)
  libssl-dev                       # OpenSSL 3: reference HMAC, TLS
  libhiredis-dev                   # hiredis 0.14: non-blocking Redis client primitives
  libmicrohttpd-dev                # libmicrohttpd 0.9.75: the Ub (bootstrapping) HTTP/1.1 server
  libcunit1-dev                    # unit tests
  redis-server redis-tools         # session table (tests start their own servers)
  libfreediameter-dev freediameterd freediameter-extensions  # Diameter peers over TCP/SCTP/TLS
  tshark                           # independent decoder for wire tests
  ethtool iproute2 iputils-ping    # veth/netns plumbing for end-to-end tests
  clang libclang-rt-14-dev         # libFuzzer + sanitizers
  gnuplot-nox                      # bench plots
  prometheus                       # promtool + a real scraper for exporter tests
  python3                          # dpdk-telemetry.py
  python3-cryptography             # AES for the tests' independent Milenage (tests/integration/ub_ref.py)
  eapoltest                        # eapol_test: an independent EAP-AKA/AKA' peer over RADIUS (claim-6 tests)
  freeradius                       # FreeRADIUS 3.2: visited/home RADIUS proxies in the claim-6 chain test
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ "${1:-}" = "--check" ]; then
  [ ${#missing[@]} -eq 0 ] && { echo "all dependencies present"; exit 0; }
  echo "missing: ${missing[*]}"; exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo; command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
else
  SUDO=
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
