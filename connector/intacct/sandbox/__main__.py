"""``python -m connector.intacct.sandbox``: the sandbox command group."""

from .cli import sandbox

sandbox(prog_name="python -m connector.intacct.sandbox")
