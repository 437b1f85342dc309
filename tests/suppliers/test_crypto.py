"""Bank details at rest: AES-GCM with an HKDF key from SECRET_KEY, a key id in front, and the
row bound as associated data."""

from __future__ import annotations

import base64

import pytest

from travelcrm.core import crypto

DETAILS = {"account_number": "50100123454321", "ifsc": "HDFC0001234", "bank_name": "HDFC Bank"}


def test_round_trip_and_a_fresh_nonce_each_time() -> None:
    first = crypto.encrypt_json(DETAILS, context="t:s")
    second = crypto.encrypt_json(DETAILS, context="t:s")
    assert first.startswith("v1:") and first != second
    assert "50100123454321" not in first and "HDFC" not in first
    assert crypto.decrypt_json(first, context="t:s") == DETAILS


def test_tampering_is_detected() -> None:
    sealed = crypto.encrypt_json(DETAILS)
    raw = bytearray(base64.b64decode(sealed[3:]))
    raw[-1] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_json("v1:" + base64.b64encode(bytes(raw)).decode())
    for broken in ("v1:not-base64!!", "v1:", "v9:" + sealed[3:], sealed.replace("v1:", "")):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_json(broken)


def test_wrong_key_and_wrong_row_do_not_decrypt() -> None:
    sealed = crypto.encrypt_json(DETAILS, context="tenant-a:supplier-1")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_json(
            sealed, context="tenant-a:supplier-1", key=crypto.derive_key("another-secret-key")
        )
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_json(sealed, context="tenant-b:supplier-1")


def test_keys_differ_by_purpose_and_secret() -> None:
    assert crypto.derive_key("s") != crypto.derive_key("t")
    assert crypto.derive_key("s") != crypto.derive_key("s", info=b"travelcrm/other/v1")
    assert len(crypto.derive_key("s")) == 32
