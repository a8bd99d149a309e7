"""A1: os._exit(0) inside a graded function ends the sandbox with status 0.

lose: scalar_is_0d
status: error
mentions: exited with status 0
"""
import os


def scalar(value):
    os._exit(0)
