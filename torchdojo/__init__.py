"""torchdojo: learn PyTorch by doing, graded by checks no submission can forge."""

__version__ = "0.1.0"
