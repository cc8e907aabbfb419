"""The `connector` command. Every command goes through the same Python API a program would use;
each module here holds one family of commands, imported only when one of them runs (see
connector.cli.app for the group and its table of commands)."""

from connector.cli.app import main

__all__ = ["main"]
