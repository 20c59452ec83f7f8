"""Every column that holds ciphertext, re-encrypted in one place by ``coach keys rotate``.

A feature that stores a secret adds its rotator to ``ROTATORS``: a function that reads
its rows in this workspace-agnostic sweep, rotates each ciphertext to the first key and
returns how many rows it rewrote.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from storage.calendars import rotate_feed_urls
from storage.encryption import Cipher
from storage.installations import rotate_installation_tokens

Rotator = Callable[[Session, Cipher], int]

# name → rotator; each feature that keeps a secret registers here explicitly.
ROTATORS: dict[str, Rotator] = {
    # Bot and user tokens and refresh tokens of OAuth installs (storage/installations.py).
    "slack installation tokens": rotate_installation_tokens,
    "calendar feed addresses": rotate_feed_urls,
}


def rotate_all(*, session: Session, cipher: Cipher) -> dict[str, int]:
    """Re-encrypt every stored secret under the first key; counts per kind of secret."""
    return {name: rotate(session, cipher) for name, rotate in ROTATORS.items()}
