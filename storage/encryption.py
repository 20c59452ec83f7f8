"""Secrets at rest: calendar feed addresses and Slack tokens are stored as ciphertext.

Fernet (from ``cryptography``) gives authenticated encryption with a timestamp;
MultiFernet lets an operator rotate keys without downtime. ``COACH_ENCRYPTION_KEY``
holds one or more keys separated by commas: the first encrypts, every one decrypts.
Rotation is: put a new key first, restart, run ``coach keys rotate`` (which re-encrypts
every stored secret with the first key), then drop the old key.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class EncryptionKeyMissing(Exception):
    """A secret was about to be stored with no COACH_ENCRYPTION_KEY set."""


class SecretUnreadable(Exception):
    """Ciphertext no configured key opens: the key that wrote it was dropped too early."""


def generate_key() -> str:
    """A fresh key, printed by ``coach keys new``."""
    return Fernet.generate_key().decode("ascii")


def parse_keys(value: str) -> list[str]:
    """The comma-separated keys of COACH_ENCRYPTION_KEY, each checked to be a Fernet key."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    for key in keys:
        Fernet(key.encode("ascii"))  # raises ValueError on a malformed key
    return keys


class Cipher:
    """Encrypts with the first key, decrypts with any; rotates old ciphertext forward."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise EncryptionKeyMissing("COACH_ENCRYPTION_KEY is not set")
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])

    @classmethod
    def from_setting(cls, value: str | None) -> Cipher | None:
        """The cipher for a COACH_ENCRYPTION_KEY value, or None when it is unset."""
        keys = parse_keys(value) if value else []
        return cls(keys) if keys else None

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise SecretUnreadable("no key in COACH_ENCRYPTION_KEY opens this secret") from error

    def rotate(self, ciphertext: str) -> str:
        """The same secret encrypted under the first key (for ``coach keys rotate``)."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except InvalidToken as error:
            raise SecretUnreadable("no key in COACH_ENCRYPTION_KEY opens this secret") from error


def require_cipher(cipher: Cipher | None) -> Cipher:
    """The cipher, or the refusal to store a secret in the clear."""
    if cipher is None:
        raise EncryptionKeyMissing(
            "COACH_ENCRYPTION_KEY is not set: create one with `coach keys new`."
        )
    return cipher
