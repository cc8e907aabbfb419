"""The `connector` command. Every command goes through the same Python API a program would use;
each module here holds one family of commands (see connector.cli.app for the group itself)."""

from connector.cli import calls, catalog, serve, triggers
from connector.cli.app import main

__all__ = ["calls", "catalog", "main", "serve", "triggers"]
