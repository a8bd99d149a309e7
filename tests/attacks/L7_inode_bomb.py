"""L7b: fills the sandbox's temporary folders with empty files (inodes, not bytes) until
refused, capped at 200,000 per folder.

via: grade
"""
import os
import tempfile


def _inode_bomb(cap=200_000):
    for folder in (tempfile.gettempdir(), "/dev/shm", os.getcwd()):
        made, reason = 0, "cap reached"
        try:
            target = os.path.join(folder, f"inodes-{os.getpid()}")
            os.makedirs(target, exist_ok=True)
            while made < cap:
                with open(os.path.join(target, str(made)), "w"):
                    pass
                made += 1
        except OSError as exc:
            reason = exc.strerror
        print("INODE BOMB", folder, "STOPPED AT", made, "FILES:", reason, flush=True)


_inode_bomb()
