#!/bin/sh
# tools/install-deps.sh: installs the Debian 12 packages that building, running
# and testing Flex Contacts need, when they are missing. Uses sudo unless run
# as root. README's quick start and .ci/run both call it.

set -eu

PACKAGES="meson ninja-build pkg-config gcc libc6-dev
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev libsecret-1-dev
  libebook-contacts1.2-dev libcsv-dev
  at-spi2-core python3-gi gir1.2-atspi-2.0 gir1.2-secret-1 xdotool
  libglib2.0-dev libglib2.0-bin gettext desktop-file-utils appstream
  xvfb xauth dbus gnome-keyring adwaita-icon-theme fonts-dejavu-core
  clang-format python3 flatpak-builder"

missing=""
for pkg in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
# Node and npm run the interop test with Twilio's official Sync client. These
# machines may have Node from a package that bundles npm: install Debian's
# nodejs / npm only for what is missing, never both kinds.
if ! command -v node >/dev/null 2>&1; then
  missing="$missing nodejs"
fi
if ! command -v npm >/dev/null 2>&1; then
  missing="$missing npm"
fi

if [ -z "$missing" ]; then
  exit 0
fi

echo "Installing:$missing"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
