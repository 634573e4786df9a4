"""cnnlint: find PyTorch shape bugs before anything runs."""

__version__ = "0.1.0"
