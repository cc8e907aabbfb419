"""A local emulator of the Sage Intacct XML Web Services gateway (DTD 3.0) for tests and demos.

See docs/sandbox.md for what it emulates, its credentials and its fault options.
"""

from .config import DEFAULT_CONNECTION, SandboxConfig
from .faults import Faults
from .server import Sandbox, running_sandbox

__all__ = ["DEFAULT_CONNECTION", "Faults", "Sandbox", "SandboxConfig", "running_sandbox"]
