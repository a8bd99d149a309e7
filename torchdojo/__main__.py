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
    from torchdojo import ctrl_c

    ctrl_c.install()
    try:
        from torchdojo.cli import main

        main(prog_name="torchdojo")
        code: object = 0
    except KeyboardInterrupt:  # before the command started (imports); the CLI handles the rest
        sys.stderr.write("\nInterrupted.\n")
        code = INTERRUPTED
    except SystemExit as done:
        code = done.code
    _exit(code)


def _exit(code: object) -> None:
    """End with ``code`` once the command is over, without tearing the interpreter down
    (``quick_exit``, which also stops the fork server, perhaps still importing torch). Besides
    the second this saves where torch is loaded, it keeps the status: a Ctrl-C that lands in an
    ``exec`` of a string (dataclasses, namedtuple) marks the interpreter as interrupted even
    though the KeyboardInterrupt was caught, and a normal exit would then end the process by
    SIGINT instead of with status 130."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # shutting down: nothing left to stop
    from torchdojo.quick_exit import quick_exit

    quick_exit(_status(code))


def _status(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives: None is 0, a message goes to stderr as 1."""
    if code is None or isinstance(code, int):
        return code or 0
    sys.stderr.write(f"{code}\n")
    return 1


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
