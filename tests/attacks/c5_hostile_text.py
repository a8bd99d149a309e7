"""c5: everything the learner controls is hostile text: what it prints (terminal escapes that
clear the screen and retitle the window, NUL, bytes that are not UTF-8, rich markup, a CSV
formula, a bidi override, a megabyte of it), its warnings, the messages and type names of what
it raises, the keys of what it returns. Every report stays valid for its format and shows the
text without acting on it.

via: paths
class: 5
base: stub
lose: all
"""
import sys
import warnings

HOSTILE = ("\x1b[2J\x1b]0;pwned\x07 \x00 \r overwritten [bold red]markup[/] [/nope] "
           "=cmd|' /C calc'!A0 \u202eevil\u202c \ud800 ]]> <b>&amp;</b>")
sys.stdout.write(HOSTILE.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
sys.stdout.flush()
sys.stdout.buffer.write(b"\xff\xfe not utf-8 \xed\xa0\x80\n" + b"=SUM(A1)\x1b[31m" * 70_000)
sys.stdout.flush()
warnings.warn(HOSTILE, stacklevel=1)


class Hostile(Exception):
    pass


NAME = HOSTILE.replace("\x00", "NUL").replace("\ud800", "D800")  # type names hold neither
Hostile.__name__ = Hostile.__qualname__ = NAME


def scalar(value):
    raise Hostile(HOSTILE)


def from_data(data):
    return {HOSTILE: HOSTILE, "\ud800": [float("nan"), float("inf")]}


def labels_tensor(labels):
    warnings.warn(HOSTILE, stacklevel=1)
    return type(NAME, (), {})()


def share_numpy(array):
    raise ValueError("\ud800" * 5000 + HOSTILE * 100)
