"""Personal identifiers at rest: AES-GCM encryption and a keyed hash for uniqueness look-ups.

ID numbers and priority groups are stored only as ciphertext; the keyed hash (HMAC-SHA256 under a key
derived from the same secret) lets the database enforce one account per ID number without holding it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"


class PersonalDataCipher:
    def __init__(self, key_b64: str):
        try:
            master = base64.b64decode(key_b64, validate=True)
        except ValueError as exc:
            raise ValueError("PII_KEY must be 32 bytes, base64-encoded") from exc
        if len(master) != 32:
            raise ValueError("PII_KEY must be 32 bytes, base64-encoded")
        self._aead = AESGCM(self._derive(master, b"gig-market pii encryption"))
        self._mac_key = self._derive(master, b"gig-market pii blind index")

    @staticmethod
    def _derive(master: bytes, info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    def encrypt(self, plaintext: str, *, context: bytes = b"") -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), context)

    def decrypt(self, token: bytes, *, context: bytes = b"") -> str:
        if not token or token[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        nonce, body = token[1:13], token[13:]
        return self._aead.decrypt(nonce, body, context).decode("utf-8")

    def blind_index(self, value: str) -> str:
        return hmac.new(self._mac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """Staff see only the last four characters: the first digits give away hometown and birth date."""
    return "*" * (len(id_number) - 4) + id_number[-4:]
