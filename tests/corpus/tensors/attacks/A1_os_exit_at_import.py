"""A1: os._exit(0) at import: the module never finishes loading.

lose: all
status: error
"""
import os

os._exit(0)
