#!/usr/bin/env bash
# Start a dlg-ts cluster inside a SLURM allocation: dlg-node on every allocated node (srun; one
# per task: --ntasks-per-node), one dlg-island per group of node managers (--nodes-per-island,
# default all in one), dlg-master on the first node, all wired by
# --register. Makes a token for the job, prints the master's URL and writes it to a file, can
# submit a graph and wait for it, and stops everything when the job ends or is cancelled.
#
#   dlg-slurm.sh [--nodes-per-island N] [--graph FILE] [--url-file FILE] [--port-base P]
#                [--job-dir DIR] [--work-dir DIR]
#
# Tiers: $DLG_BIN/dlg-node etc. (the compiled files) when DLG_BIN is set, else
# `deno run -A <repo>/cmd/<tier>.ts` with the repository this script is in.
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
REPO="$(cd "$(dirname "$SELF")/../.." && pwd)"

tier() { # tier NAME ARGS...: run (exec) one tier
  local name=$1
  shift
  # A node polls sockets every 8 task polls while busy, not 61: events leave in time (NODE_ENV).
  if [[ "$name" == dlg-node ]]; then
    export DENO_TOKIO_EVENT_INTERVAL="${DENO_TOKIO_EVENT_INTERVAL:-8}"
  fi
  if [[ -n "${DLG_BIN:-}" ]]; then exec "$DLG_BIN/$name" "$@"; fi
  # The V8 flags of core/cli/spawn.ts (tierV8Flags): a master's young generation is bigger.
  local v8=--max-semi-space-size=4,--max-old-space-size=16384
  if [[ "$name" == dlg-master ]]; then
    v8=--max-semi-space-size=64,--min-semi-space-size=64,--max-old-space-size=16384
  fi
  exec "${DENO:-deno}" run -A "--v8-flags=$v8" "$REPO/cmd/$name.ts" "$@"
}

# Inside an srun task: one node manager, its port from the task's local id, registering with
# island number (task id / managers per island).
if [[ "${1:-}" == "_node" ]]; then
  IFS=, read -r -a island_urls <<<"$2"
  per=$3 port_base=$4 work=$5
  port=$((port_base + 100 + ${SLURM_LOCALID:-0}))
  island_url=${island_urls[$((${SLURM_PROCID:-0} / per))]}
  mkdir -p "$work/$(hostname)-$port"
  tier dlg-node -H 0.0.0.0 -P "$port" -w "$work/$(hostname)-$port" \
    --token-file "$DLG_TOKEN_FILE" --register "$island_url" --advertise "$(hostname):$port"
fi
if [[ "${1:-}" == "_island" ]]; then
  tier dlg-island -H 0.0.0.0 -P "$2" --token-file "$DLG_TOKEN_FILE" \
    --register "$3" --advertise "$(hostname):$2"
fi

per_island=0 graph="" url_file="" port_base=8000
job_dir="${SLURM_SUBMIT_DIR:-$PWD}/dlg-${SLURM_JOB_ID:-local}"
work_dir=""
while [[ $# -gt 0 ]]; do
  case $1 in
  --nodes-per-island) per_island=$2; shift 2 ;;
  --graph) graph=$2; shift 2 ;;
  --url-file) url_file=$2; shift 2 ;;
  --port-base) port_base=$2; shift 2 ;;
  --job-dir) job_dir=$2; shift 2 ;;
  --work-dir) work_dir=$2; shift 2 ;;
  -h | --help) sed -n '2,12p' "$SELF"; exit 0 ;;
  *) echo "dlg-slurm: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
done
if [[ -z "${SLURM_JOB_ID:-}" ]]; then
  echo "dlg-slurm: not inside a SLURM allocation (no SLURM_JOB_ID): run it with sbatch" >&2
  exit 2
fi
work_dir=${work_dir:-$job_dir/work}
url_file=${url_file:-$job_dir/master.url}
mkdir -p "$job_dir" "$work_dir"
chmod 700 "$job_dir"

# A token for this job only, readable by its owner (the job dir must be on a shared file system).
export DLG_TOKEN_FILE="$job_dir/token"
(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DLG_TOKEN_FILE")

mapfile -t hosts < <(scontrol show hostnames "$SLURM_JOB_NODELIST")
n=${#hosts[@]}
tasks=${SLURM_NTASKS_PER_NODE:-1}
tasks=${tasks%%(*}
((per_island > 0)) || per_island=$((n * tasks))
master_host=${hosts[0]}
master_url="http://$master_host:$port_base"

submit=""
pids=()  # this script's children: the master, the srun steps, a submit
stop_all() {
  trap - TERM INT EXIT
  # SIGTERM to the steps' tasks (a signalled srun would SIGKILL them): node managers first (they
  # leave their islands and cancel their Drops), then islands (they leave the master), then it.
  local name steps
  for name in dlg-node dlg-island; do
    steps=$(squeue -h -s -j "$SLURM_JOB_ID" -o "%i %j" 2>/dev/null | awk -v n="$name" '$2 == n {print $1}')
    # shellcheck disable=SC2086
    if [[ -n "$steps" ]]; then scancel -s TERM $steps 2>/dev/null || true; fi
    for ((t = 0; t < 100; t++)); do
      squeue -h -s -j "$SLURM_JOB_ID" -o "%j" 2>/dev/null | grep -qx "$name" || break
      sleep 0.1
    done
  done
  for p in "${pids[@]:1}"; do wait "$p" 2>/dev/null || true; done
  kill -TERM "${pids[0]}" 2>/dev/null || true
  wait "${pids[0]}" 2>/dev/null || true
  echo "dlg-slurm: stopped"
}
trap 'stop_all; exit 143' TERM
trap 'stop_all; exit 130' INT
trap stop_all EXIT

# The master here (the batch script runs on the first node).
(tier dlg-master -H 0.0.0.0 -P "$port_base" --token-file "$DLG_TOKEN_FILE") &
pids+=($!)

# Node managers: one per task (block distribution: tasks fill a host before the next). Island k
# takes managers k*per .. k*per+per-1 and runs on the host of the first of them.
total=$((n * tasks))
island_urls=()
for ((k = 0; k * per_island < total; k++)); do
  host=${hosts[$((k * per_island / tasks))]}
  island_port=$((port_base + 10 + k))
  srun --overlap --job-name=dlg-island --nodes=1 --ntasks=1 -w "$host" "$SELF" _island "$island_port" "$master_url" &
  pids+=($!)
  island_urls+=("http://$host:$island_port")
done
islands=${#island_urls[@]}
srun --overlap --job-name=dlg-node --nodes="$n" --ntasks="$total" --ntasks-per-node="$tasks" --distribution=block \
  "$SELF" _node "$(IFS=,; echo "${island_urls[*]}")" "$per_island" "$port_base" "$work_dir" &
pids+=($!)

# Ready when the master lists every node manager.
want=$total
auth="Authorization: Bearer $(cat "$DLG_TOKEN_FILE")"
deadline=$((SECONDS + ${DLG_START_TIMEOUT:-120}))
while :; do
  got=$(curl -sf -H "$auth" "$master_url/api/nodes" | grep -o '"[^"]*"' | grep -vc nodes || true)
  ((got >= want)) && break
  if ((SECONDS > deadline)); then
    echo "dlg-slurm: only $got of $want node managers joined within ${DLG_START_TIMEOUT:-120} s" >&2
    exit 1
  fi
  sleep 1
done
echo "$master_url" >"$url_file"
echo "dlg-slurm: master $master_url ($islands islands, $want node managers); token $DLG_TOKEN_FILE"
echo "dlg-slurm: URL written to $url_file"

if [[ -n "$graph" ]]; then
  # In the background, so that a SIGTERM (scancel) runs the trap at once.
  (tier dlg submit "$graph" --wait -m "$master_url" --token-file "$DLG_TOKEN_FILE") &
  submit=$!
  pids+=("$submit")
  code=0
  wait "$submit" || code=$?
  echo "dlg-slurm: graph $graph: dlg submit exited $code"
  exit "$code"
fi
# No graph: serve until the job ends (time limit or scancel: SIGTERM reaches the trap).
wait "${pids[0]}"
