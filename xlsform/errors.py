"""Exceptions for "cannot continue". Problems found in the data are findings (codes.py), never exceptions."""


class XlsformError(Exception):
    """A user-facing failure of a whole command (bad roster, existing output without --force, ...).

    The CLI turns it into a message and exit code 2 in one place; the message is meant to be read by a clerk.
    """
