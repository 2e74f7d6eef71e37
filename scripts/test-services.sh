#!/usr/bin/env bash
# Run the given test command against PostgreSQL and Redis when they answer,
# and say plainly when the suite falls back to SQLite and local memory.
set -uo pipefail

PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cohort}"
REDIS="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"

pg_answers() {
  "$1" - "$PG_URL" <<'PY'
import sys
import psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
try:
    psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                    password=u.password or "", dbname="postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}

redis_answers() {
  "$1" - "$REDIS" <<'PY'
import sys
import redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
except Exception:
    sys.exit(1)
PY
}

python="$1"
if pg_answers "$python"; then
  export DATABASE_URL="$PG_URL"
  echo "make test: using PostgreSQL at ${PG_URL}"
else
  unset DATABASE_URL
  echo "make test: PostgreSQL does not answer at ${PG_URL}; FALLING BACK TO SQLite (concurrency tests will be skipped)"
fi
if redis_answers "$python"; then
  export REDIS_URL="$REDIS"
  echo "make test: using Redis at ${REDIS}"
else
  unset REDIS_URL
  echo "make test: Redis does not answer at ${REDIS}; FALLING BACK TO local-memory cache"
fi
# The browser walks (e2e/) need Debian's chromium; CI (as root, on a fresh machine) installs
# it rather than skip them. A developer without root is told and the walks are skipped.
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "make test: installing chromium for the browser walks (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
    || echo "make test: could not install chromium; the browser walks will be skipped"
fi
# The Hindi pages' screenshots (e2e/test_languages.py) need a Devanagari font; Debian's
# chromium has none of its own.
if command -v fc-list >/dev/null && ! fc-list | grep -qi devanagari && [ "$(id -u)" = 0 ] \
  && command -v apt-get >/dev/null; then
  echo "make test: installing fonts-noto-core for the Hindi pages (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core; } \
    >/dev/null 2>&1 || echo "make test: could not install fonts-noto-core; Hindi shows as boxes"
fi
# The catalogue check (cohort/core/tests/test_translations.py) gathers the strings with GNU
# gettext's xgettext; CI installs it the same way, and the check fails there without it.
if ! command -v xgettext >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "make test: installing gettext for the translation catalogue check (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; } >/dev/null 2>&1 \
    || echo "make test: could not install gettext; the catalogue check will fail"
fi
unset CELERY_BROKER_URL
exec "$@"
