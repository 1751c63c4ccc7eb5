#!/usr/bin/env bash
# Runs schemathesis (PyPI) with its default checks against a seeded kencom-central on a
# loopback port the OS picks. Independent of xtask; the lead wires it into the test
# command. Usage: crates/central/tests/schemathesis.sh [extra schemathesis args]
# Env: CARGO_TARGET_DIR (default target), ST_VENV (default $CARGO_TARGET_DIR/st-venv),
#      ST_MAX_EXAMPLES (default 25), ST_TOKEN_ROLE (operator login, default super01).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="${ST_VENV:-$target/st-venv}"
login="${ST_TOKEN_ROLE:-super01}"
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q schemathesis
fi
(cd "$root" && cargo build -q -p kencom-central)
bin="$target/debug/kencom-central"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" seed --db "$work/c.db" --members 300 --seed 3 > "$work/seed.txt"
"$bin" serve --db "$work/c.db" --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
base="$(sed -n 's/^listening on //p' "$work/serve.out")"
[ -n "$base" ] || { echo "server did not start"; cat "$work/serve.err"; exit 1; }
# Sign in with password + TOTP (RFC 6238, computed here with the standard library).
token="$(python3 - "$work/seed.txt" "$login" "$base" <<'PY'
import base64, hmac, hashlib, json, struct, sys, time, urllib.request
seed, login, base = sys.argv[1], sys.argv[2], sys.argv[3]
line = next(l for l in open(seed, encoding="utf-8") if l.split() and l.split()[0] == login)
fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
key = base64.b32decode(fields["totp_secret"])
mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = mac[-1] & 15
code = "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)
req = urllib.request.Request(base + "/api/v1/operator/auth/login", method="POST",
    data=json.dumps({"login_id": login, "password": fields["password"], "totp": code}).encode(),
    headers={"content-type": "application/json"})
print(json.load(urllib.request.urlopen(req))["access_token"])
PY
)"
# The token goes to the document's "bearer" security scheme (not a blanket -H), so the
# missing-auth checks can take it away.
printf '[auth.openapi.bearer]\nbearer = "%s"\n\n' "$token" > "$work/schemathesis.toml"
# Rules OpenAPI cannot state (they relate two inputs) answer 422 on schema-valid data:
# at least one search criterion; ends_at after starts_at; e-mail confirmation equal to the
# e-mail; insurer_id only for insurer admins; a whitelist entry must parse as an address or
# CIDR network (the pattern only bounds its characters); roster rows must pass the domain
# rules (check digits, katakana, dates). For exactly these operations 422 is added to
# the statuses the positive-data check accepts; every other check still applies.
for op in "GET /api/v1/operator/members" "POST /api/v1/operator/insurers/{id}/maintenance" \
          "POST /api/v1/portal/inquiries" "POST /api/v1/operator/operators/{id}/role" \
          "POST /api/v1/operator/insurers/{id}/whitelist" "PUT /api/v1/operator/roster-uploads/{id}/chunks/{seq}"; do
    printf '[[operations]]\ninclude-method = "%s"\ninclude-path = "%s"\nchecks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]\n\n' "${op%% *}" "${op#* }" >> "$work/schemathesis.toml"
done
# Run from the temp dir: schemathesis keeps a .schemathesis/ cache in its working directory.
cd "$work"
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$here" \
"$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/openapi.json" \
    --max-examples "${ST_MAX_EXAMPLES:-25}" \
    --exclude-path /api/v1/operator/auth/logout \
    "$@"
