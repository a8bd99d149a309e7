"""C6: a segfault in C code kills the sandbox mid-call.

lose: scalar_is_0d
status: error
mentions: SIGSEGV
"""
import ctypes


def scalar(value):
    ctypes.string_at(0)
