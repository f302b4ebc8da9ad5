#!/usr/bin/env bash
# tests/slurm/cluster.sh -- sourced by the Slurm tests: a private single-node Slurm cluster from
# Debian's slurm-wlm and munge, in a temporary folder, with ports picked free at run time so two
# test runs on one machine do not meet. slurm_up starts munged, slurmctld and slurmd (as root);
# slurm_down stops exactly those processes (by the pids they wrote). Exports SLURM_CONF.
# Needs: T (a private temp folder). Sets SLURM_SKIP_REASON and returns 1 when Slurm cannot run here.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

slurm_down() {
  local f
  for f in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munged.pid"; do
    [ -s "$f" ] || continue
    local pid; pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

slurm_up() {
  SLURM_SKIP_REASON=""
  for b in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$b" >/dev/null 2>&1 || { SLURM_SKIP_REASON="$b is not installed (scripts/deps.sh --test installs slurm-wlm and munge)"; return 1; }
  done
  [ "$(id -u)" -eq 0 ] || { SLURM_SKIP_REASON="slurmd must run as root to start jobs as their user"; return 1; }
  local host; host=$(hostname -s)
  mkdir -p "$T/state" "$T/spool" "$T/munge"
  chmod 700 "$T/munge"
  head -c 1024 /dev/urandom > "$T/munge/munge.key"
  chmod 400 "$T/munge/munge.key"
  munged --force --socket="$T/munge/munge.sock" --key-file="$T/munge/munge.key" \
         --pid-file="$T/munged.pid" --log-file="$T/munged.log" --seed-file="$T/munge/seed" \
    || { SLURM_SKIP_REASON="munged does not start here: $(tail -n 1 "$T/munged.log" 2>/dev/null)"; return 1; }
  local p1 p2; p1=$(free_port); p2=$(free_port)
  while [ "$p2" = "$p1" ]; do p2=$(free_port); done
  local cpus; cpus=$(nproc)
  local mem; mem=$(awk '/MemTotal/ {print int($2/1024/2)}' /proc/meminfo)
  cat > "$T/slurm.conf" <<CONF
ClusterName=tm$$
SlurmctldHost=$host
SlurmctldPort=$p1
SlurmdPort=$p2
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
MinJobAge=600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=tm Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  export SLURM_CONF="$T/slurm.conf"
  slurmctld -f "$SLURM_CONF" -i || { SLURM_SKIP_REASON="slurmctld does not start: $(tail -n 2 "$T/slurmctld.log" 2>/dev/null | tr '\n' ' ')"; return 1; }
  slurmd -f "$SLURM_CONF" || { SLURM_SKIP_REASON="slurmd does not start: $(tail -n 2 "$T/slurmd.log" 2>/dev/null | tr '\n' ' ')"; return 1; }
  local i
  for i in $(seq 150); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then return 0; fi
    sleep 0.2
  done
  SLURM_SKIP_REASON="the node did not come up within 30 s: $(sinfo -h -N -o '%T %E' 2>&1 | head -n 1); slurmd: $(tail -n 2 "$T/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  return 1
}
