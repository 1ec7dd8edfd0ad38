# Shared by scripts/start and scripts/check: system packages and the virtual environment.
# Idempotent: installs only what is missing, so a second run is quick.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NENPO_VENV:-$ROOT/.venv}"

# Debian/Ubuntu packages nenpo needs at run time: Japanese fonts for charts and PDFs, and
# fontconfig, which finds them (the PDFs are compiled by Typst, which comes from PyPI).
RUNTIME_DEBS=(fonts-noto-cjk fontconfig)

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

venv_install() {  # venv_install SPEC: create the venv if needed and install the project into it
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
  fi
  "$VENV/bin/python" -m pip install -q -e "$1"
}
