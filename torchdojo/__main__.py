"""The ``torchdojo`` command (``python -m torchdojo`` and the installed script).

Ctrl-C at any moment ends it with one line and exit status 130, never a traceback: from the
first import on, the first Ctrl-C raises KeyboardInterrupt and later ones are ignored, so the
sandboxes are closed undisturbed; once the command is over, shutting down ignores it too.
"""

import os
import signal
import sys

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command Ctrl-C stopped


def run() -> None:
    signal.signal(signal.SIGINT, _first_ctrl_c)
    try:
        from torchdojo.cli import main

        main(prog_name="torchdojo")
    except KeyboardInterrupt:  # before the command started (imports); the CLI handles the rest
        sys.stderr.write("\nInterrupted.\n")
        _stop_helpers()
        _exit(INTERRUPTED)
    except SystemExit as done:
        if done.code == INTERRUPTED:
            _stop_helpers()
        _exit(done.code)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # shutting down: nothing left to stop


def _exit(code: object) -> None:
    """End with ``code`` once the command is over; where torch is loaded, without tearing it
    down (``quick_exit``)."""
    if "torch" not in sys.modules:
        sys.exit(code)
    from torchdojo.quick_exit import quick_exit

    quick_exit(_status(code))


def _status(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives: None is 0, a message goes to stderr as 1."""
    if code is None or isinstance(code, int):
        return code or 0
    sys.stderr.write(f"{code}\n")
    return 1


def _stop_helpers() -> None:
    """Sandboxes are closed by now; the fork server may still be importing torch."""
    forkserver = sys.modules.get("torchdojo.sandbox.forkserver")
    if forkserver is not None:
        forkserver.stop()


def _first_ctrl_c(signum: int, frame: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


if __name__ == "__main__":
    import torchdojo

    # `python -m` puts the working directory first on sys.path. In a learner's folder that
    # would let its torch.py or pytest.py replace the real ones in the grader and in the fork
    # server (which inherits sys.path). Only this package's own folder may stay, and only after
    # everything else.
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.getcwd():
        del sys.path[0]
    _home = os.path.dirname(os.path.dirname(os.path.abspath(torchdojo.__file__)))
    if _home not in sys.path:
        sys.path.append(_home)
    run()
