"""C2SP signed notes and checkpoints: the Go reference vector, forgeries refused."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from functions.voucher import note

pytestmark = pytest.mark.unit

# The example key and note of the reference implementation (golang.org/x/mod/sumdb/note).
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = ("If you think cryptography is the answer to your problem,\n"
        "then you don't know what your problem is.\n")
NOTE = TEXT + ("\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2p"
               "ZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")


def private_of_skey(skey: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(skey.split("+", 4)[-1])[1:])


def test_the_reference_note_is_signed_byte_for_byte_and_verifies() -> None:
    verifier = note.Verifier.parse(VKEY)
    assert str(verifier) == VKEY
    assert note.sign(TEXT, "PeterNeumann", private_of_skey(SKEY)) == NOTE
    assert note.open_note(NOTE, [verifier]) == (TEXT, [verifier])


@pytest.mark.parametrize("bad", [
    NOTE.replace("cryptography", "cryptographY"),
    NOTE.replace("x08go", "x08gp"),
])
def test_an_altered_note_is_refused(bad: str) -> None:
    with pytest.raises(note.NoteError):
        note.open_note(bad, [note.Verifier.parse(VKEY)])


def test_a_note_signed_by_another_key_is_not_trusted() -> None:
    forged = note.sign(TEXT, "PeterNeumann", Ed25519PrivateKey.generate())
    with pytest.raises(note.NoteError, match="没有受信任密钥"):
        note.open_note(forged, [note.Verifier.parse(VKEY)])


@pytest.mark.parametrize("bad", [VKEY[:-1], VKEY.replace("c74f20a3", "c74f20a4"),
                                 "Peter Neumann+c74f20a3+ARpc", VKEY.replace("+A", "+B", 1)])
def test_mangled_verifier_keys_are_refused(bad: str) -> None:
    with pytest.raises(note.NoteError):
        note.Verifier.parse(bad)


def test_a_checkpoint_round_trips_and_names_its_origin() -> None:
    key = Ed25519PrivateKey.generate()
    verifier = note.Verifier.of("example.gov.cn/log", key.public_key())
    checkpoint = note.Checkpoint("example.gov.cn/log", 12, bytes(range(32)))
    signed = checkpoint.sign("example.gov.cn/log", key)
    assert signed.startswith("example.gov.cn/log\n12\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n— ")
    assert note.open_checkpoint(signed, [verifier], "example.gov.cn/log") == checkpoint
    with pytest.raises(note.NoteError, match="另一个日志"):
        note.open_checkpoint(signed, [verifier], "other.gov.cn/log")
    with pytest.raises(note.NoteError):
        note.open_checkpoint(signed.replace("\n12\n", "\n13\n"), [verifier], "example.gov.cn/log")
