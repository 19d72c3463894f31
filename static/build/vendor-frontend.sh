#!/usr/bin/env bash
# Vendor GOV.UK Frontend into static/govuk/, compiled with Arial.
#
# Node and npm are needed only to run this script (when upgrading GOV.UK
# Frontend or changing static/build/app.scss); the app never needs them at
# run time. The compiled output is committed to the repository.
#
# Produces:
#   static/govuk/app.css                   compiled from static/build/app.scss
#   static/govuk/govuk-frontend.min.js     GOV.UK Frontend JS (ES module)
#   static/govuk/govuk-frontend.min.js.map its source map
#   static/govuk/assets/images/            favicons, icons, crest
#   static/govuk/assets/manifest.json      web app manifest
#   static/govuk/VERSION                   exact versions used
#
# The GDS Transport font files are deliberately not copied: they are only
# licensed for services on GOV.UK.
#
# Usage: static/build/vendor-frontend.sh
# Upgrade: change the pinned versions below, re-run, review and commit.
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2"

BUILD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATIC_DIR="$(dirname "$BUILD_DIR")"
OUT_DIR="$STATIC_DIR/govuk"
SCSS_ENTRY="$BUILD_DIR/app.scss"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool is required to run this script" >&2
    exit 1
  fi
done

WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT

echo "Installing govuk-frontend@$GOVUK_FRONTEND_VERSION and sass@$SASS_VERSION in $WORK_DIR"
cat >"$WORK_DIR/package.json" <<'JSON'
{ "name": "vendor-govuk-frontend", "version": "0.0.0", "private": true }
JSON
# --ignore-scripts: nothing here needs an install script (sass is pure JS).
(
  cd "$WORK_DIR"
  npm install --no-audit --no-fund --ignore-scripts --save-exact \
    "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION"
)

NODE_MODULES="$WORK_DIR/node_modules"
PKG="$NODE_MODULES/govuk-frontend/dist/govuk"

installed_version() {
  node -p "require(process.argv[1]).version" "$NODE_MODULES/$1/package.json"
}
GF_INSTALLED="$(installed_version govuk-frontend)"
SASS_INSTALLED="$(installed_version sass)"
if [[ "$GF_INSTALLED" != "$GOVUK_FRONTEND_VERSION" || "$SASS_INSTALLED" != "$SASS_VERSION" ]]; then
  echo "error: installed govuk-frontend $GF_INSTALLED / sass $SASS_INSTALLED," \
    "expected $GOVUK_FRONTEND_VERSION / $SASS_VERSION" >&2
  exit 1
fi

# Build everything in a staging folder first so a failure leaves the
# committed files untouched.
STAGE="$WORK_DIR/stage"
mkdir -p "$STAGE/assets"

echo "Compiling $SCSS_ENTRY"
"$NODE_MODULES/.bin/sass" \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --load-path="$NODE_MODULES" \
  "$SCSS_ENTRY" "$STAGE/app.css"

# Guard rails: no GDS Transport anywhere, Arial is the font family, and no
# font files are referenced.
if grep -q "GDS Transport" "$STAGE/app.css"; then
  echo "error: compiled CSS still mentions GDS Transport" >&2
  exit 1
fi
if ! grep -q "font-family:arial,sans-serif" "$STAGE/app.css"; then
  echo "error: compiled CSS does not use font-family arial, sans-serif" >&2
  exit 1
fi
if grep -q "@font-face\|/fonts/" "$STAGE/app.css"; then
  echo "error: compiled CSS contains @font-face or font URLs" >&2
  exit 1
fi

cp "$PKG/govuk-frontend.min.js" "$PKG/govuk-frontend.min.js.map" "$STAGE/"
cp -R "$PKG/assets/images" "$STAGE/assets/images"
cp "$PKG/assets/manifest.json" "$STAGE/assets/manifest.json"

# Every url() in the CSS must point at a file we ship (Django's
# ManifestStaticFilesStorage fails collectstatic otherwise).
grep -o 'url([^)]*)' "$STAGE/app.css" | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" | sort -u |
  while read -r url; do
    case "$url" in
      /static/govuk/*)
        if [[ ! -f "$STAGE/${url#/static/govuk/}" ]]; then
          echo "error: app.css references $url, which is not vendored" >&2
          exit 1
        fi
        ;;
      data:*) ;;
      *)
        echo "error: app.css references unexpected URL $url" >&2
        exit 1
        ;;
    esac
  done

cat >"$STAGE/VERSION" <<EOF
govuk-frontend $GF_INSTALLED
sass $SASS_INSTALLED
EOF

# Install into static/govuk/, replacing what was there.
mkdir -p "$OUT_DIR"
rm -rf "$OUT_DIR/assets"
cp -R "$STAGE/assets" "$OUT_DIR/assets"
for f in app.css govuk-frontend.min.js govuk-frontend.min.js.map VERSION; do
  cp "$STAGE/$f" "$OUT_DIR/$f"
done

echo "Vendored into $OUT_DIR:"
(cd "$OUT_DIR" && find . -type f | sort | xargs ls -l)
