"""A test-only action using the form features the bundled manifest does not (yet) exercise: a
dropdown whose data source input follows another input ({"$data": "/useVendorId"}), a
declared group, and line items whose columns have titles, a required column and a dropdown."""

from pathlib import Path

from connector.hookspecs import hookimpl
from connector.manifest import load_actions

ACTIONS, _ = load_actions(Path(__file__).with_name("actions.yaml"))


@hookimpl
def register_actions(register):
    for action in ACTIONS:
        register(action)
