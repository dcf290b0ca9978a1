#!/usr/bin/env bash
# Run a command inside a private network namespace that holds only `lo` and a
# dummy (or veth) interface with a private address. Janus's ICE ignores loopback, so media
# needs a non-loopback address; this one exists only inside the namespace, so no
# ICE candidate can ever point at the machine's real interfaces.
#
# Usage: scripts/netns-run.sh <command> [args...]
# Inside, SIGHTLINE_MEDIA_IFACE / SIGHTLINE_MEDIA_IP name the interface and address.
set -euo pipefail

if [ "${SIGHTLINE_IN_NETNS:-}" = "1" ]; then
  exec "$@"   # already inside: nesting would hide the servers we started
fi
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 64
fi

addr="${SIGHTLINE_NETNS_ADDR:-10.77.0.1/24}"
iface="${SIGHTLINE_NETNS_IFACE:-sl0}"
if [ "$(id -u)" = "0" ]; then
  unshare_args=(-n)
else
  unshare_args=(-r -n)   # an unprivileged user namespace grants CAP_NET_ADMIN inside it
fi
command -v ip >/dev/null || { echo "netns-run: 'ip' (iproute2) is required" >&2; exit 69; }

exec unshare "${unshare_args[@]}" -- env NS_ADDR="$addr" NS_IFACE="$iface" bash -c '
  set -euo pipefail
  ip link set lo up
  # A dummy interface is enough; kernels built without it get a veth pair whose
  # both ends stay inside the namespace.
  if ! ip link add "$NS_IFACE" type dummy 2>/dev/null; then
    ip link add "$NS_IFACE" type veth peer name "${NS_IFACE}p"
    ip link set "${NS_IFACE}p" up
  fi
  ip addr add "$NS_ADDR" dev "$NS_IFACE"
  ip link set "$NS_IFACE" up
  export SIGHTLINE_IN_NETNS=1 SIGHTLINE_MEDIA_IFACE="$NS_IFACE" SIGHTLINE_MEDIA_IP="${NS_ADDR%/*}"
  unset NS_ADDR NS_IFACE
  exec "$@"
' netns-run "$@"
