# Shared by scripts/start and scripts/check: system packages and the virtual environment.
# Idempotent: installs only what is missing, so a second run is quick.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NENPO_VENV:-$ROOT/.venv}"

# Debian/Ubuntu packages nenpo needs at run time: Japanese fonts for charts and PDFs, and
# fontconfig, which finds them (the PDFs are compiled by Typst, which comes from PyPI).
RUNTIME_DEBS=(fonts-noto-cjk fontconfig)

# Another apt or dpkg (unattended-upgrades, a second terminal) may hold the package locks: wait
# for it, up to NENPO_APT_WAIT seconds, rather than fail at once.
APT_WAIT="${NENPO_APT_WAIT:-600}"
read -r -a DPKG_LOCKS <<< "${NENPO_DPKG_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}"

dpkg_busy() {  # prints the first package lock another process holds (apt takes fcntl locks)
  python3 - "${DPKG_LOCKS[@]}" <<'PY'
import fcntl, sys
for path in sys.argv[1:]:
    try:
        f = open(path, "rb")
    except OSError:  # absent, or not readable by this user: apt's own timeout covers it
        continue
    with f:
        try:
            fcntl.lockf(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            print(path)
            break
PY
}

wait_for_dpkg() {  # returns once no other process holds a package lock; fails after APT_WAIT s
  local waited=0 held
  while held="$(dpkg_busy)" && [ -n "$held" ]; do
    if [ "$waited" -ge "$APT_WAIT" ]; then
      echo "error: another package manager (apt, dpkg or unattended-upgrades) still holds $held after ${APT_WAIT} s; let it finish, then run this script again (NENPO_APT_WAIT=SECONDS waits longer)" >&2
      return 1
    fi
    [ "$waited" -eq 0 ] && echo "waiting for another package manager to release $held (up to ${APT_WAIT} s)…" >&2
    sleep 2
    waited=$((waited + 2))
  done
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  wait_for_dpkg
  # apt waits too (for a lock taken between our look and its start, or one we cannot read).
  $sudo apt-get -o DPkg::Lock::Timeout="$APT_WAIT" update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout="$APT_WAIT" install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

venv_install() {  # venv_install LOCKFILE: the venv holds exactly the lock's pins, then nenpo
  local lock="$ROOT/$1" stamp="$VENV/.nenpo-installed" want
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  want="$(cat "$lock" "$ROOT/pyproject.toml" "$ROOT/setup.py" | sha256sum | cut -d' ' -f1)"
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0  # installed from this lock already
  # Every package at its locked version, each file checked against the lock's hashes
  # (docs/install.md); then nenpo itself, editable, with the locked build tools.
  "$VENV/bin/python" -m pip install -q --require-hashes -r "$lock"
  "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$ROOT"
  echo "$want" > "$stamp"
}
