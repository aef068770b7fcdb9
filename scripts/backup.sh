#!/usr/bin/env bash
# Backup of an Académie installation: the PostgreSQL database (pg_dump, custom format), the
# media and private files (certificates, H5P packages, exports), the demo CA when used, and the
# signing files named by SIGNING_* (key, certificate, PKCS#12, chain).
#
#   DATABASE_URL=postgres://... ACADEMIE_DATA_DIR=/srv/academie scripts/backup.sh /backups/2026-11-30
#
# Writes database.dump, files.tar.gz, signing/ and SHA256SUMS into the target directory (created;
# must not exist yet). The signing key is copied as is: keep backups as secret as the key.
set -euo pipefail
target="${1:?usage: backup.sh TARGET_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
data_dir="${ACADEMIE_DATA_DIR:-$(cd "$(dirname "$0")/.." && pwd)/var}"
media_root="${MEDIA_ROOT:-$data_dir/media}"

if [ -e "$target" ]; then echo "backup.sh: $target exists already" >&2; exit 2; fi
umask 077
mkdir -p "$target/signing"

pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"

# Files: paths inside the archive are relative to the data directory; media given apart when
# MEDIA_ROOT is elsewhere.
parts=()
for part in private demo-signing; do [ -e "$data_dir/$part" ] && parts+=("$part"); done
tar -czf "$target/files.tar.gz" -C "$data_dir" --files-from /dev/null "${parts[@]}"
if [ -e "$media_root" ]; then tar -czf "$target/media.tar.gz" -C "$media_root" .; fi

for var in SIGNING_KEY_PATH SIGNING_CERT_PATH SIGNING_PKCS12_PATH; do
  path="${!var:-}"
  if [ -n "$path" ]; then cp -p "$path" "$target/signing/$(basename "$path")"; echo "$var=$(basename "$path")" >> "$target/signing/names"; fi
done
if [ -n "${SIGNING_CHAIN_PATHS:-}" ]; then
  IFS=',' read -ra chain <<< "$SIGNING_CHAIN_PATHS"
  names=()
  for path in "${chain[@]}"; do cp -p "$path" "$target/signing/$(basename "$path")"; names+=("$(basename "$path")"); done
  (IFS=','; echo "SIGNING_CHAIN_PATHS=${names[*]}") >> "$target/signing/names"
fi

(cd "$target" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
echo "backup.sh: $(du -sh "$target" | cut -f1) written to $target"
