"""A local emulator of the Sage Intacct XML Web Services gateway (DTD 3.0) for tests and demos.

See docs/sandbox.md for what it emulates, its credentials and companies, its clock, late commits
and fault options.
"""

from .clock import Clock
from .commits import LateCommits
from .config import DEFAULT_CONNECTION, CompanyConfig, SandboxConfig
from .faults import Faults
from .server import Sandbox, running_sandbox

__all__ = [
    "DEFAULT_CONNECTION",
    "Clock",
    "CompanyConfig",
    "Faults",
    "LateCommits",
    "Sandbox",
    "SandboxConfig",
    "running_sandbox",
]
