#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database and data directory.
#
#   DATABASE_URL=postgres://.../academie_new ACADEMIE_DATA_DIR=/srv/academie-new scripts/restore.sh /backups/2026-11-30
#
# Checks SHA256SUMS first; refuses a database that already has tables and a data directory that
# already holds files. Signing files go to $ACADEMIE_DATA_DIR/signing/; the SIGNING_* lines to
# put in the environment are printed at the end.
set -euo pipefail
source_dir="${1:?usage: restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
data_dir="${ACADEMIE_DATA_DIR:?ACADEMIE_DATA_DIR must be set}"
media_root="${MEDIA_ROOT:-$data_dir/media}"

(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then echo "restore.sh: the database is not empty ($tables tables)" >&2; exit 2; fi
if [ -e "$data_dir/private" ]; then echo "restore.sh: $data_dir/private exists already" >&2; exit 2; fi

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$source_dir/database.dump"

mkdir -p "$data_dir"
tar -xzf "$source_dir/files.tar.gz" -C "$data_dir"
if [ -e "$source_dir/media.tar.gz" ]; then mkdir -p "$media_root"; tar -xzf "$source_dir/media.tar.gz" -C "$media_root"; fi

if [ -s "$source_dir/signing/names" ]; then
  (umask 077; mkdir -p "$data_dir/signing")
  cp -p "$source_dir"/signing/* "$data_dir/signing/"
  rm -f "$data_dir/signing/names"
  echo "restore.sh: signing files in $data_dir/signing; set:"
  while IFS='=' read -r var names; do
    IFS=',' read -ra list <<< "$names"
    paths=(); for n in "${list[@]}"; do paths+=("$data_dir/signing/$n"); done
    (IFS=','; echo "  $var=${paths[*]}")
  done < "$source_dir/signing/names"
fi
echo "restore.sh: restored $source_dir into $DATABASE_URL and $data_dir"
