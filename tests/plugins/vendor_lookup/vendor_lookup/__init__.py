"""Adds `listVendorNames`: every vendor's name, across pages, declared in actions.yaml."""

from pathlib import Path

from connector.hookspecs import hookimpl
from connector.manifest import load_actions

ACTIONS, DATASOURCES = load_actions(Path(__file__).with_name("actions.yaml"))


@hookimpl
def register_actions(register):
    for action in ACTIONS:
        register(action)


@hookimpl
def register_jinja_filters(register):
    register("shout", str.upper)
