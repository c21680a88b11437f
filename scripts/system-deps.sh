#!/usr/bin/env bash
# Install the Debian packages Etjänst needs when they are missing:
#   demo: the libraries WeasyPrint draws PDF receipts with, and a font;
#         xmlsec1, which pysaml2 signs and checks SAML messages with;
#   test: those, plus PostgreSQL 15 and Chromium for the browser tests, and
#         libzbar0 (pyzbar reads the QR code the BankID waiting page draws).
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core xmlsec1)
if [[ "${1:-demo}" == "test" ]]; then
  want+=(chromium postgresql-15 libzbar0)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
