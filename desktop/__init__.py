"""Rectify (问题整改台账): offline rectification ledgers for grassroots offices."""

__version__ = "0.1.0"
