"""The envelope: every recipient can open, nobody else can, damage fails loudly with no partial output."""

from __future__ import annotations

import io
import os

import pytest

from tnrwatch.intake import crypto

CHEAP = crypto.KdfCost(time_cost=1, memory_kib=8, parallelism=1)


def _pair():
    identity, public = crypto.identity_generate()
    return crypto.identity_parse(identity), public


def test_every_recipient_decrypts_and_no_other_key_does():
    keys = [_pair() for _ in range(3)]
    ciphertext = crypto.encrypt(b"the report", [public for _, public in keys])
    for identity, _ in keys:
        assert crypto.decrypt(ciphertext, [identity]) == b"the report"
    stranger, _ = _pair()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(ciphertext, [stranger])


def test_streamed_attachment_comes_back_byte_identical():
    identity, public = _pair()
    original = os.urandom(3 * 1024 * 1024 + 12345)  # spans many 64 KiB age chunks, odd tail
    sink = io.BytesIO()
    writer = crypto.EncryptingWriter(sink, [public])
    for start in range(0, len(original), 65536):
        writer.write(original[start:start + 65536])
    writer.close()
    assert original not in sink.getvalue()
    sink.seek(0)
    assert crypto.decrypt(sink, [identity]) == original


@pytest.mark.parametrize("damage", ["flip_header", "flip_payload", "flip_last", "truncate_chunk", "truncate_tail"])
def test_damaged_ciphertext_fails_loudly_without_partial_plaintext(damage):
    identity, public = _pair()
    plaintext = os.urandom(300 * 1024)
    ciphertext = bytearray(crypto.encrypt(plaintext, [public]))
    if damage == "flip_header":
        ciphertext[60] ^= 0x01
    elif damage == "flip_payload":
        ciphertext[len(ciphertext) // 2] ^= 0x80
    elif damage == "flip_last":
        ciphertext[-1] ^= 0x01
    elif damage == "truncate_chunk":
        ciphertext = ciphertext[: len(ciphertext) - 100 * 1024]
    else:
        ciphertext = ciphertext[:-1]
    result = None
    with pytest.raises(crypto.DecryptionError):
        result = crypto.decrypt(bytes(ciphertext), [identity])
    assert result is None


def test_no_recipients_refuses_to_encrypt():
    with pytest.raises(crypto.EncryptionError):
        crypto.encrypt(b"x", [])


def test_wrapped_identity_opens_only_with_its_passphrase():
    identity, public = crypto.identity_generate()
    blob = crypto.identity_wrap(identity, "correct horse battery", CHEAP)
    assert identity.encode() not in blob
    assert str(crypto.identity_unwrap(blob, "correct horse battery")) == identity
    with pytest.raises(crypto.WrongPassphraseError):
        crypto.identity_unwrap(blob, "wrong horse battery")


def test_seeded_identity_is_a_valid_age_key():
    identity = crypto.identity_from_seed(bytes(range(32)))
    again = crypto.identity_from_seed(bytes(range(32)))
    assert str(identity.to_public()) == str(again.to_public())
    ciphertext = crypto.encrypt(b"hello", [str(identity.to_public())])
    assert crypto.decrypt(ciphertext, [again]) == b"hello"


def test_receipts_have_at_least_128_bits_and_survive_retyping():
    receipt = crypto.receipt_generate()
    groups = receipt.split("-")
    assert len(groups) == 7 and all(len(g) == 4 for g in groups)
    assert crypto.RECEIPT_CHARS * 5 >= 128
    retyped = receipt.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert crypto.receipt_normalize(retyped) == receipt.replace("-", "")
    assert crypto.receipt_normalize("too short") is None
    assert len({crypto.receipt_generate() for _ in range(200)}) == 200


def test_receipt_hash_depends_on_the_server_key():
    normalized = crypto.receipt_normalize(crypto.receipt_generate())
    assert crypto.receipt_hash(normalized, b"k1") != crypto.receipt_hash(normalized, b"k2")
    assert normalized not in crypto.receipt_hash(normalized, b"k1")


def test_every_receipt_character_carries_five_random_bits():
    # 3,000 receipts: each of the 28 positions takes every one of the 32 symbols (a position fed by
    # too few bits would miss most of them; the chance of a false failure is below 1e-39).
    receipts = [crypto.receipt_normalize(crypto.receipt_generate()) for _ in range(3000)]
    for position in range(crypto.RECEIPT_CHARS):
        assert len({receipt[position] for receipt in receipts}) == 32, position
