#!/usr/bin/env bash
# Backup and restore, end to end on this machine's PostgreSQL (127.0.0.1:5432):
# issues a certificate signed with a key of its own in a source database, backs it up with
# scripts/backup.sh, restores into a fresh database and data directory with scripts/restore.sh,
# then verifies the restored certificate PDF against the restored database and signing files
# (`manage.py certificate_verify`: exit 0 = genuine). Prints a verdict line; cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
src_db=academie_backup_test_src
dst_db=academie_backup_test_dst
work="$(mktemp -d -t academie-backup-test-XXXXXX)"
RUN="python3 -m uv run --frozen"
cleanup() {
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $src_db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $dst_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export SECRET_KEY="backup-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
export ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SETTINGS_MODULE=academy.settings.base
# The production profile needs a Redis (cache, broker); the certificate is issued in this
# process by the service itself, no task goes through it.
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/7}"

# Source: an installation with its own signing key.
mkdir -p "$work/src" "$work/keys"
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=Academie backup test/O=Academie/C=MA" \
  -keyout "$work/keys/key.pem" -out "$work/keys/cert.pem" 2>/dev/null
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $src_db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $dst_db WITH (FORCE)" -c "CREATE DATABASE $src_db" -c "CREATE DATABASE $dst_db" >/dev/null
export DATABASE_URL="$PG/$src_db" ACADEMIE_DATA_DIR="$work/src"
export SIGNING_KEY_PATH="$work/keys/key.pem" SIGNING_CERT_PATH="$work/keys/cert.pem"
$RUN python manage.py migrate --noinput -v 0
$RUN python manage.py certificate_fonts -v 0
uuid=$($RUN python manage.py shell -v 0 -c "
import logging; logging.disable(logging.CRITICAL)
from certificates.services import certificate_issue
from tests.certificates import factories
enrollment = factories.completed_enrollment(first_name='Fatima-Zahra', last_name='El Idrissi')
print(certificate_issue(enrollment=enrollment).uuid)" | tail -n1)
pdf=$($RUN python manage.py shell -v 0 -c "
from certificates.models import Certificate; print(Certificate.objects.get(uuid='$uuid').pdf.name)" | tail -n1)
echo "source: certificate $uuid ($pdf)"

scripts/backup.sh "$work/backup"

# Destination: fresh database, fresh data directory, the source's files out of reach.
mv "$work/keys" "$work/keys.gone"; mv "$work/src" "$work/src.gone"
export DATABASE_URL="$PG/$dst_db" ACADEMIE_DATA_DIR="$work/dst"
unset SIGNING_KEY_PATH SIGNING_CERT_PATH
scripts/restore.sh "$work/backup" | tee "$work/restore.log"
export SIGNING_KEY_PATH="$work/dst/signing/key.pem" SIGNING_CERT_PATH="$work/dst/signing/cert.pem"
$RUN python manage.py certificate_fonts -v 0
set +e
$RUN python manage.py certificate_verify "$work/dst/private/$pdf"
genuine=$?
echo tampered >> "$work/dst/private/$pdf"
$RUN python manage.py certificate_verify "$work/dst/private/$pdf" >/dev/null
tampered=$?
set -e
if [ "$genuine" = 0 ] && [ "$tampered" != 0 ]; then
  echo "verdict: PASS (restored certificate $uuid verified genuine; a modified copy refused, exit $tampered)"
else
  echo "verdict: FAIL (restored certificate exit $genuine, modified copy exit $tampered)"; exit 1
fi
