#!/usr/bin/env bash
# The published contract, checked by tools independent of the server
# (`make contract`; `make test` runs it too):
#   1. contract/validate.mjs: the document against the official OpenAPI 3.1
#      schema (@seriousme/openapi-schema-validator), every $ref resolves, and
#      every Schema Object is valid JSON Schema 2020-12;
#   2. openapi-typescript generates the TypeScript types of a client from it;
#   3. tsc --strict type-checks contract/client.ts (openapi-fetch) against them.
#
# Usage: scripts/check-contract.sh [SPEC]     (default openapi/openapi.json)
# CONTRACT_OUT: where the generated types go (default contract/generated).
#
# The tools' versions are pinned in contract/package-lock.json; `npm ci`
# installs them into contract/node_modules (git-ignored) when that file
# changes. Exits non-zero with the failing tool's message.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/contract"
spec="$(realpath "${1:-$root/openapi/openapi.json}")"
out="${CONTRACT_OUT:-$dir/generated}"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-contract: $tool not found; install Node.js 20 or later (with npm)" >&2
    exit 1
  fi
done

# Install the pinned tools once per lock file; serialised, so that runs in
# parallel do not install over each other.
lock_sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
stamp="$dir/node_modules/.installed-lock.sha256"
(
  flock 9
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
    echo "check-contract: npm ci (contract/package-lock.json)" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$lock_sum" >"$stamp"
  fi
) 9>"$dir/.install.lock"

bin="$dir/node_modules/.bin"

# 1. valid OpenAPI 3.1, every $ref resolves
node "$dir/validate.mjs" "$spec"

# 2. the client's types
mkdir -p "$out"
"$bin/openapi-typescript" "$spec" --output "$out/hds.ts" >/dev/null

# 3. the client type-checks against them (contract/tsconfig.json, with the
#    generated types of this run; those are a .ts file, so that they are
#    checked too while the libraries' .d.ts files are skipped)
cat >"$out/tsconfig.json" <<JSON
{
  "extends": "$dir/tsconfig.json",
  "compilerOptions": { "paths": { "hds-api-types": ["./hds"] } },
  "files": ["$dir/client.ts"]
}
JSON
if ! "$bin/tsc" --project "$out/tsconfig.json" --strict --pretty false >&2; then
  echo "check-contract: contract/client.ts does not type-check against the types generated from $spec" >&2
  exit 1
fi
echo "check-contract: $spec: valid OpenAPI 3.1; TypeScript client generated (openapi-typescript) and type-checked (tsc --strict)"
