"""Zhongshu (中枢): the open-source data hub for county governments."""

__version__ = "0.1.0"
