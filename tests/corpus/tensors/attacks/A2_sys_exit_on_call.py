"""A2: sys.exit(0) inside a graded function.

lose: scalar_is_0d
status: error
mentions: SystemExit
"""
import sys


def scalar(value):
    sys.exit(0)
