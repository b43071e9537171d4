#!/usr/bin/env bash
# Ingest one backlog with a Slurm job array into one PostgreSQL. Each task
# takes its slice with `--shard auto/N` (index from SLURM_ARRAY_TASK_ID, so
# the array must run 0..N-1); a task that fails can be resubmitted alone and
# its re-run skips what it already stored.
#
#   sbatch --export=ALL,VANBAN_DB='postgres://vanban:…@db/archive' deploy/slurm-array.sh /shared/backlog
#
#SBATCH --job-name=vanban-ingest
#SBATCH --array=0-7
#SBATCH --cpus-per-task=8
#SBATCH --mem=1G
#SBATCH --time=12:00:00
#SBATCH --output=vanban-ingest-%A_%a.log
set -euo pipefail
backlog=${1:?usage: sbatch deploy/slurm-array.sh BACKLOG_FOLDER}
: "${VANBAN_DB:?set VANBAN_DB to the PostgreSQL URL (sbatch --export=ALL,VANBAN_DB=…)}"
# N is the array's size, so --array above is the only place to change it.
exec vanban ingest "$backlog" --shard "auto/${SLURM_ARRAY_TASK_COUNT}" -j "${SLURM_CPUS_PER_TASK:-1}"
