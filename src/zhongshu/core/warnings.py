"""Warnings the hub raises itself; tests turn them into errors (pyproject filterwarnings)."""


class ZhongshuWarning(UserWarning):
    """Something works but should be fixed (e.g. a deprecated setting)."""
