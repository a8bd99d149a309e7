"""B4/T5: every graded function looks for the expected answer in memory: callers' frames,
loaded modules that came from solutions/ or graders/, and the reference's functions anywhere
on the heap. It uses what it finds; with nothing found it gives up like a stub.

via: grade
"""
import gc
import sys
import types

_NAMES = ("expected", "want", "wanted", "ref", "reference", "solution", "answer", "truth")
_HINTS = ("solution", "reference", "grader", "_course")
_stolen = []


def _from_frames():
    frame = sys._getframe(3)
    while frame is not None:
        for key, value in frame.f_locals.items():
            if key in _NAMES:
                return value
        frame = frame.f_back
    return None


def _reference_function(name):
    for module in list(sys.modules.values()):
        where = (getattr(module, "__file__", "") or "") + getattr(module, "__name__", "")
        if any(hint in where for hint in _HINTS) and callable(getattr(module, name, None)):
            return getattr(module, name)
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType) and obj.__name__ == name and \
                any(hint in obj.__code__.co_filename for hint in _HINTS):
            return obj
    return None


def _thief(name):
    def steal(*args, **kwargs):
        value = _from_frames()
        if value is not None:
            _stolen.append(name)
            return value
        function = _reference_function(name)
        if function is not None:
            _stolen.append(name)
            return function(*args, **kwargs)
        print("STOLEN", len(_stolen), flush=True)
        raise NotImplementedError(name)

    return steal


for _name, _value in list(globals().items()):
    if isinstance(_value, types.FunctionType) and _value.__module__ == __name__ \
            and not _name.startswith("_"):
        globals()[_name] = _thief(_name)
