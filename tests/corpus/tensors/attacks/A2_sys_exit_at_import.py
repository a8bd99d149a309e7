"""A2: raise SystemExit at import.

lose: all
status: error
"""
raise SystemExit(0)
