"""Course-author tools: stubs derived from solutions, and the audit behind ``dev check``."""
