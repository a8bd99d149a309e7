"""G4: the module raises while importing.

lose: all
status: error
"""
raise RuntimeError("broken on purpose")
