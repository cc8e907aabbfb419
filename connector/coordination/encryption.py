"""Fernet encryption for what the coordination layer keeps outside the process.

A key setting holds one Fernet key, or several separated by commas for rotation: the first
encrypts, every one of them decrypts. Errors name the setting, never the key.
"""

from __future__ import annotations

from connector.coordination.errors import ConfigurationError

MAKE_KEY = ('python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"')


class DecryptionFailed(Exception):
    """A stored value that none of the configured keys decrypts (wrong key, or tampered)."""


class Cipher:
    """Encrypts and authenticates bytes with the configured Fernet key(s)."""

    def __init__(self, keys: str, setting: str) -> None:
        try:
            from cryptography.fernet import Fernet, MultiFernet
        except ImportError:
            raise ConfigurationError(
                f"{setting} is set but the cryptography package is not installed: "
                "pip install cryptography (the extras [redis] and [postgres] bring it)") \
                from None
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise ConfigurationError(f"{setting} is empty; make a key with: {MAKE_KEY}")
        fernets = []
        for number, part in enumerate(parts, start=1):
            try:
                fernets.append(Fernet(part.encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                which = f"key {number} of {setting}" if len(parts) > 1 else setting
                raise ConfigurationError(
                    f"{which} is not a Fernet key (32 url-safe base64-encoded bytes); "
                    f"make one with: {MAKE_KEY}") from None
        self._fernet = MultiFernet(fernets)

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise DecryptionFailed("no configured key decrypts this value") from None

    def __repr__(self) -> str:
        return "Cipher(<keys hidden>)"
