"""A second protocol for the tests (tiny-json) and a connector that uses it (tiny-notes)."""

from pathlib import Path

from connector.hookspecs import hookimpl
from tinyjson.protocol import TinyJSONProtocol

MANIFEST = Path(__file__).with_name("manifest.yaml")


@hookimpl
def register_protocols(register):
    register(TinyJSONProtocol.name, TinyJSONProtocol)


@hookimpl
def register_connectors(register):
    register(MANIFEST)
