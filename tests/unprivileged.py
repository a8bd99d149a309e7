"""Run a command as a machine that lacks a confinement would, for real (no mocks).

The tests run as root; these helpers take privileges away the way real machines lack them:

- ``as_nobody``: an ordinary user (uid 65534, no capabilities): no sandbox users, no control
  groups (their files are root's); user namespaces still work, as on most desktops.
- ``as_nobody(userns=False)``: the same user on a machine that refuses user namespaces (as
  GitHub's ubuntu-24.04 runners do for unprivileged users): a seccomp filter
  (``tests.refuse_userns``) makes every ``CLONE_NEWUSER`` fail with EPERM.
- ``without_sys_admin``: root without CAP_SYS_ADMIN (a container's default): no namespaces, but
  sandbox users and control groups.

Python may live under root's private HOME (pyenv); the ordinary user is shown only that part.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

NOBODY = 65534


def available() -> bool:
    if os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


def as_nobody(argv: list[str], *, home: Path, userns: bool = True, cwd: Path = ROOT,
              env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``argv`` as uid 65534 with HOME=``home`` (which it must be able to write)."""
    python_home = Path(os.path.realpath(sys.executable)).parents[1]
    show_python = ""
    if str(python_home).startswith("/root/"):
        show_python = (f"mkdir -p /tmp/.py-$$; mount --bind {python_home} /tmp/.py-$$; "
                       f"mount -t tmpfs -o mode=755 tmpfs /root; mkdir -p {python_home}; "
                       f"mount --bind /tmp/.py-$$ {python_home}; ")
    if not userns:
        argv = [sys.executable, "-m", "tests.refuse_userns", *argv]
    variables = {"HOME": str(home), "PYTHONPATH": str(ROOT), **(env or {})}
    script = (f"set -e; {show_python}exec setpriv --reuid={NOBODY} --regid={NOBODY} "
              f"--clear-groups --inh-caps=-all env "
              + " ".join(f"{k}={shlex.quote(v)}" for k, v in variables.items())
              + " " + shlex.join(argv))
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout)


def without_sys_admin(argv: list[str], *, cwd: Path = ROOT, env: dict | None = None,
                      timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", "--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin",
                           *argv], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def shared_folder(prefix: str) -> Path:
    """A folder the ordinary user can write (pytest's own are root's only)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o777)
    return folder
