#!/bin/bash
# Installs Skiff on a Debian 12 / Ubuntu 22.04+ machine and runs it under systemd (deploy/systemd): the packages a
# node needs, Node.js 20+, Skiff itself in a prefix, the units, and either a control plane with its node
# (`skiff up --init-only`) or a node joining a cluster (`skiff join --init-only`). Safe to run again: it changes only
# what differs, and a second run restarts the components with their recorded settings (the pods keep running).
set -euo pipefail
# cloud-init's runcmd may run without HOME, which npm needs.
export HOME="${HOME:-/root}"

usage() {
  cat <<'EOF'
Usage: install.sh --control-plane [--advertise-address IP] [--control-plane-endpoint HOST:PORT] [options]
       install.sh --join 'skiff join --server https://IP:6443 --token ... --discovery-token-ca-cert-hash sha256:... [--control-plane --certificate-key KEY]' [options]

  --control-plane           run etcd, the apiserver, scheduler and controller-manager, and a node, on this machine
  --advertise-address IP    the address of this machine that other machines reach it on (needed for --join elsewhere);
                            auto: the address of its default route
  --control-plane-endpoint HOST:PORT
                            the load balancer (or DNS name) in front of the apiservers when more control-plane machines
                            will join; nodes and kubeconfigs use it
  --join 'COMMAND'          join the cluster that `skiff token create --print-join-command` printed COMMAND for; with
                            --control-plane in it (skiff token create --print-join-command --control-plane), as a
                            control-plane machine: etcd member, apiserver, scheduler, controller-manager and a node
  --node-name NAME          the Node name (default: the host name)
  --prefix DIR              where Skiff is installed (default /opt/skiff)
  --data-dir DIR            the cluster's data, certificates and the components' command lines (default /var/lib/skiff)
  --source DIR              the Skiff checkout to install (default: the one this script belongs to)
  --unit-dir DIR            where the systemd units go (default /etc/systemd/system)
  --no-start                install and prepare everything, start nothing
  --dry-run                 print what would be done; change nothing
  -h, --help                this text
EOF
}

die() {
  echo "install.sh: error: $*" >&2
  exit 1
}

role=''
advertise=''
endpoint=''
join_command=''
node_name=''
prefix=/opt/skiff
data_dir=/var/lib/skiff
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
unit_dir=/etc/systemd/system
start=yes
dry_run=no

need_value() {
  [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --control-plane) role=control-plane ;;
    --advertise-address) need_value "$@"; advertise=$2; shift ;;
    --control-plane-endpoint) need_value "$@"; endpoint=$2; shift ;;
    --join) need_value "$@"; role=node; join_command=$2; shift ;;
    --node-name) need_value "$@"; node_name=$2; shift ;;
    --prefix) need_value "$@"; prefix=$2; shift ;;
    --data-dir) need_value "$@"; data_dir=$2; shift ;;
    --source) need_value "$@"; source_dir=$2; shift ;;
    --unit-dir) need_value "$@"; unit_dir=$2; shift ;;
    --no-start) start=no ;;
    --dry-run) dry_run=yes ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

# Packages from the distribution: etcd for the control plane; for the node what tools/dev/require-runtime.js lists
# (the runtime, CNI plugins, iptables, the registry, what the images are built from); rsync to copy the checkout.
packages=(etcd-server etcd-client containerd runc containernetworking-plugins iptables busybox-static docker-registry gcc libc6-dev rsync ca-certificates curl xz-utils)
# The distribution starts these on install, on Skiff's ports and paths (2379, 5000, /run/containerd): masked, never started.
distro_services=(etcd.service containerd.service docker-registry.service)
node_version=v20.18.1

# Prints a command; runs it unless --dry-run.
run() {
  echo "+ $*"
  [[ $dry_run == yes ]] || "$@"
}

# Writes stdin to a file when its content differs (under --dry-run only says so).
write_file() {
  local file=$1 content
  content=$(cat)
  [[ -f $file && $(cat "$file") == "$content" ]] && return 0
  echo "+ write $file"
  if [[ $dry_run == no ]]; then
    mkdir -p "$(dirname "$file")"
    printf '%s\n' "$content" >"$file"
  fi
}

absolute() {
  [[ $2 == /* ]] || die "$1 must be an absolute path, not $2"
}

check_args() {
  [[ -n $role ]] || die "give --control-plane or --join 'skiff join ...' (see --help)"
  [[ -z $join_command || -z $advertise ]] || die '--advertise-address is for --control-plane; a joining node finds its address towards the server'
  [[ -z $endpoint || $role == control-plane ]] || die '--control-plane-endpoint is for --control-plane; a joining machine learns it from the cluster'
  [[ -z $endpoint || $endpoint =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || die "--control-plane-endpoint $endpoint is not HOST:PORT"
  absolute --prefix "$prefix"
  absolute --data-dir "$data_dir"
  absolute --unit-dir "$unit_dir"
  [[ -f $source_dir/package.json && -d $source_dir/apps/cli ]] || die "$source_dir is not a Skiff checkout (give --source)"
  if [[ $advertise == auto ]]; then
    # The source address of the default route (a route lookup: nothing is sent to 1.1.1.1).
    advertise=$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
    [[ -n $advertise ]] || die '--advertise-address auto: this machine has no IPv4 default route; give the address'
  fi
  if [[ -n $advertise ]]; then
    [[ $advertise =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "--advertise-address $advertise is not an IPv4 address"
    ip -4 -o address show | awk '{print $4}' | cut -d/ -f1 | grep -qxF "$advertise" || die "--advertise-address $advertise is not an address of this machine (ip -4 address)"
  fi
  [[ $dry_run == yes || $(id -u) == 0 ]] || die 'run it as root (or with --dry-run to see what it would do)'
  if [[ $role == node ]]; then parse_join_command; fi
}

# The distribution and version: Debian 12+ or Ubuntu 22.04+.
check_os() {
  [[ -r /etc/os-release ]] || die 'no /etc/os-release: Debian 12 or Ubuntu 22.04 and later are supported'
  local id version
  # shellcheck source=/dev/null
  id=$(. /etc/os-release && echo "${ID:-}")
  # shellcheck source=/dev/null
  version=$(. /etc/os-release && echo "${VERSION_ID:-0}")
  case $id in
    debian) [[ ${version%%.*} -ge 12 ]] || die "Debian $version is too old: Debian 12 or later is needed" ;;
    ubuntu) [[ ${version%%.*} -ge 22 ]] || die "Ubuntu $version is too old: Ubuntu 22.04 or later is needed" ;;
    *) die "$id is not supported: Debian 12 or Ubuntu 22.04 and later are" ;;
  esac
  echo "== $id $version"
}

# Masked before the packages are installed, so that their postinst does not start them on Skiff's ports either.
mask_distro_services() {
  echo '== the distribution services Skiff replaces are masked (it runs its own etcd, containerd and registry)'
  local unit
  for unit in "${distro_services[@]}"; do
    if [[ $(systemctl is-enabled "$unit" 2>/dev/null || true) == masked ]]; then
      echo "   $unit: masked already"
    else
      run systemctl mask "$unit"
    fi
  done
}

# One started before this script masked it (an earlier install) is stopped.
stop_distro_services() {
  local unit
  for unit in "${distro_services[@]}"; do
    if systemctl is-active --quiet "$unit" 2>/dev/null; then run systemctl stop "$unit"; fi
  done
}

install_packages() {
  echo '== distribution packages'
  local missing=() pkg
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$' || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "   installed already: ${packages[*]}"
    return
  fi
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

node_major() {
  local v
  v=$("$1" --version 2>/dev/null) || return 1
  v=${v#v}
  echo "${v%%.*}"
}

# Node.js 20 or later: the distribution's when it is new enough, else the official build in /usr/local.
install_node() {
  echo '== Node.js 20 or later'
  local major
  if command -v node >/dev/null && major=$(node_major node) && [[ $major -ge 20 ]]; then
    echo "   $(command -v node) is $(node --version)"
    return
  fi
  local candidate
  candidate=$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ $candidate =~ ^([0-9]+:)?([0-9]+)\. && ${BASH_REMATCH[2]} -ge 20 ]]; then
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
    return
  fi
  local arch
  case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) die "no Node.js build for $(uname -m): install Node.js 20 or later and run this again" ;;
  esac
  local name="node-$node_version-linux-$arch" tmp
  tmp=$(mktemp -d)
  run curl -fsSLo "$tmp/$name.tar.xz" "https://nodejs.org/dist/$node_version/$name.tar.xz"
  run curl -fsSLo "$tmp/SHASUMS256.txt" "https://nodejs.org/dist/$node_version/SHASUMS256.txt"
  if [[ $dry_run == no ]]; then
    (cd "$tmp" && grep " $name.tar.xz\$" SHASUMS256.txt | sha256sum -c --quiet -) || die "the Node.js download does not match its checksum"
  fi
  run mkdir -p /usr/local/lib/nodejs
  run tar -xJf "$tmp/$name.tar.xz" -C /usr/local/lib/nodejs
  run ln -sfn "/usr/local/lib/nodejs/$name/bin/node" /usr/local/bin/node
  run ln -sfn "/usr/local/lib/nodejs/$name/bin/npm" /usr/local/bin/npm
  run ln -sfn "/usr/local/lib/nodejs/$name/bin/npx" /usr/local/bin/npx
  rm -rf "$tmp"
}

install_skiff() {
  echo "== Skiff in $prefix"
  if [[ $(realpath -m "$source_dir") != $(realpath -m "$prefix") ]]; then
    # Built output and dependencies are made in the prefix; a re-run keeps them and builds incrementally.
    run mkdir -p "$prefix"
    run rsync -a --delete --exclude=/.git --exclude=node_modules --exclude=dist --exclude='*.tsbuildinfo' --exclude=/.skiff --exclude=/.nx --exclude=/tmp "$source_dir/" "$prefix/"
  fi
  run env -C "$prefix" npm install --no-audit --no-fund --loglevel=error
  run env -C "$prefix" npm run build
  run ln -sfn "$prefix/apps/cli/bin/skiff.js" /usr/local/bin/skiff
}

# Forwarding and bridged traffic through iptables, as `skiff up` sets them, also after a reboot.
configure_kernel() {
  echo '== kernel settings for pod traffic'
  write_file /etc/modules-load.d/skiff.conf <<'EOF'
# Skiff: bridged pod traffic passes iptables (Services), overlayfs for containerd's snapshots.
br_netfilter
overlay
EOF
  write_file /etc/sysctl.d/90-skiff.conf <<'EOF'
# Skiff: pods reach other nodes and Services.
net.ipv4.ip_forward = 1
net.bridge.bridge-nf-call-iptables = 1
EOF
  run modprobe br_netfilter
  run sysctl -q -p /etc/sysctl.d/90-skiff.conf
}

systemd_version() {
  systemctl --version 2>/dev/null | awk 'NR == 1 {print $2}'
}

install_units() {
  echo "== systemd units in $unit_dir"
  run mkdir -p "$unit_dir"
  local unit
  for unit in "$source_dir"/deploy/systemd/skiff-*.service "$source_dir"/deploy/systemd/skiff-*.target; do
    # The units name the default data directory; another one is written into the copies.
    write_file "$unit_dir/$(basename "$unit")" < <(sed "s#/var/lib/skiff/#$data_dir/#g" "$unit")
  done
  local version
  version=$(systemd_version)
  if [[ ${version:-0} -ge 254 ]]; then
    write_file "$unit_dir/skiff-.service.d/restart-backoff.conf" <"$source_dir/deploy/systemd/restart-backoff.conf"
  else
    echo "   systemd ${version:-unknown} restarts a failed component every second (back-off needs systemd 254)"
  fi
  run systemctl daemon-reload
}

# The `skiff join ...` words of --join, checked into join_args: only `skiff join` and its flags, never a shell command.
join_args=()
joins_control_plane=no
parse_join_command() {
  local words word
  read -r -a words <<<"$join_command"
  if [[ ${words[0]:-} == npx ]]; then words=("${words[@]:1}"); fi
  [[ ${#words[@]} -ge 2 && ${words[0]} == skiff && ${words[1]} == join ]] || die "--join takes the command \`skiff token create --print-join-command\` prints (skiff join --server ...), not: $join_command"
  for word in "${words[@]:2}"; do
    [[ $word =~ ^[A-Za-z0-9:/._=@-]+$ ]] || die "--join: unexpected word $word"
    case $word in --data-dir | --data-dir=* | -d | --detach | --init-only) die "--join: $word is install.sh's to choose" ;; esac
  done
  join_args=("${words[@]:2}")
  for word in "${join_args[@]}"; do
    if [[ $word == --control-plane ]]; then joins_control_plane=yes; fi
  done
}

prepare_cluster() {
  local skiff=("$(command -v node || echo node)" "$prefix/apps/cli/bin/skiff.js") target args=()
  if [[ -n $node_name ]]; then args+=(--node-name "$node_name"); fi
  if [[ $role == control-plane ]]; then
    echo '== the control plane and its node: settings, certificates, kubeconfigs and command lines'
    target='skiff-control-plane.target'
    if [[ -n $advertise ]]; then args+=(--advertise-address "$advertise"); fi
    if [[ -n $endpoint ]]; then args+=(--control-plane-endpoint "$endpoint"); fi
    run "${skiff[@]}" up --init-only --data-dir "$data_dir" "${args[@]}"
  elif [[ $joins_control_plane == yes ]]; then
    echo '== this machine joins the control plane: discovery, the shared keys, its etcd member, command lines'
    target='skiff-control-plane.target'
    if grep -q '"etcdMember"' "$data_dir/cluster.json" 2>/dev/null; then
      # Its etcd member was added before: it is a control-plane machine now, which needs no token.
      echo "   joined before: $data_dir is a control-plane machine of the cluster"
      run "${skiff[@]}" up --init-only --data-dir "$data_dir" "${args[@]}"
    else
      run "${skiff[@]}" join --init-only --data-dir "$data_dir" "${join_args[@]}" "${args[@]}"
    fi
    if systemctl is-enabled --quiet skiff-node.target 2>/dev/null; then run systemctl disable skiff-node.target; fi
  else
    echo '== this node joins the cluster: discovery, its certificate and command lines'
    target='skiff-node.target'
    if [[ -f $data_dir/pki/kubelet-client.crt ]] && grep -q '"joined"' "$data_dir/cluster.json" 2>/dev/null; then
      # The node keeps its server and certificate: a token that has expired since the first run is not needed.
      echo "   joined before: $data_dir has the server and the node's certificate"
      run "${skiff[@]}" join --init-only --data-dir "$data_dir" "${args[@]}"
    else
      run "${skiff[@]}" join --init-only --data-dir "$data_dir" "${join_args[@]}" "${args[@]}"
    fi
    # A machine that was a control plane before runs only its node now.
    if systemctl is-enabled --quiet skiff-control-plane.target 2>/dev/null; then run systemctl disable skiff-control-plane.target; fi
  fi
  if [[ $start == yes ]]; then
    echo "== starting $target"
    run systemctl enable --now "$target"
  else
    echo "== not started (--no-start): systemctl enable --now $target"
  fi
}

# On a re-run the components run already, from the files about to be replaced, and hold the ports their settings
# name: stopped first (the kubelet first; the pods keep running).
stop_running() {
  local target
  for target in skiff-node.target skiff-control-plane.target; do
    if systemctl is-active --quiet "$target" 2>/dev/null; then run systemctl stop "$target"; fi
  done
}

main() {
  check_args
  if [[ $dry_run == yes ]]; then echo '(dry run: nothing is changed)'; fi
  check_os
  mask_distro_services
  install_packages
  stop_distro_services
  install_node
  stop_running
  install_skiff
  configure_kernel
  install_units
  prepare_cluster
  echo "== done: journalctl -u 'skiff-*' shows the components' logs"
  if [[ $role == control-plane ]]; then
    echo "   export KUBECONFIG=$data_dir/admin.kubeconfig; skiff token create --print-join-command prints the command for other machines"
  fi
}

main
