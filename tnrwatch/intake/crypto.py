"""The crypto envelope of the reporting channel: age (x25519, multi-recipient, streamed) via pyrage.

No Django import: the envelope can be used from the command line and tested in isolation.
Collaborators (where recipients' keys come from, where ciphertext goes) are passed in.

Threat model, in brief (the long form is in SECURITY.md):

* The adversary may seize the server (disk and database) at any time, or read its backups.
  Everything a reporter sends (answers, attachments, their file names, replies) is encrypted on
  arrival to the public keys of the current recipients, so a seized disk holds only age
  ciphertext, its size and timestamps. Plaintext exists only in process memory while a request
  is being handled.
* Recipients' private keys are never stored in plaintext. Each identity is wrapped (age-encrypted)
  to a key derived from its owner's passphrase with Argon2id, so a seized database needs an
  offline passphrase search per analyst, at the Argon2id cost configured.
* A reporter has no account: they hold a receipt of >= 128 random bits. The server keeps only an
  HMAC of it (under a server-side key) for look-up, and the public half of an x25519 key derived
  from it and the same server key, so replies to the reporter are encrypted to a key that only the
  receipt unlocks, and a receipt found on a person cannot be matched to a copy of the database
  without the server key.
* Decryption never yields partial plaintext: the whole payload is authenticated first (age
  authenticates every 64 KiB chunk and the end of the stream), and on any failure the buffered
  plaintext is dropped and DecryptionError is raised.
* Out of scope: an adversary who controls the running server while a reporter or an analyst uses
  it (they can read what passes through memory), and a compromised analyst device.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import queue
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pyrage
from argon2.low_level import Type, hash_secret_raw
from pyrage import x25519

from tnrwatch.core.errors import ApplicationError


class EnvelopeError(ApplicationError):
    """The encrypted envelope could not be processed."""


class EncryptionError(EnvelopeError):
    """Encryption failed; nothing was stored."""


class DecryptionError(EnvelopeError):
    """Decryption failed: wrong key, or the ciphertext is damaged or truncated."""


class WrongPassphraseError(EnvelopeError):
    """The passphrase does not unlock this key."""


# --- keys -----------------------------------------------------------------------------------------

_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _gen_for(top: int) -> int:
    chk = 0
    for i in range(5):
        if (top >> i) & 1:
            chk ^= _GEN[i]
    return chk


# The generator's contribution for each value of the checksum's top five bits, precomputed: the
# reporter key is derived (and bech32-encoded) on every submission and every follow-up.
_GEN_TABLE = tuple(_gen_for(top) for top in range(32))


def _polymod(values: Iterable[int]) -> int:
    chk = 1
    for value in values:
        chk = ((chk & 0x1FFFFFF) << 5) ^ value ^ _GEN_TABLE[chk >> 25]
    return chk


def _bech32_encode(hrp: str, payload: bytes) -> str:
    """BIP-173 bech32 (the encoding age uses for its keys), without the 90-character limit."""
    acc, bits, data = 0, 0, []
    for byte in payload:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    mod = _polymod(expanded + data + [0] * 6) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def identity_from_seed(seed: bytes) -> x25519.Identity:
    """The age x25519 identity whose secret scalar is `seed` (32 bytes, e.g. from a KDF)."""
    if len(seed) != 32:
        raise EnvelopeError("an x25519 seed is 32 bytes")
    return x25519.Identity.from_str(_bech32_encode("age-secret-key-", seed).upper())


def identity_generate() -> tuple[str, str]:
    """A fresh (identity, recipient) pair as age strings: AGE-SECRET-KEY-1…, age1…."""
    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def recipient_parse(public_key: str) -> x25519.Recipient:
    try:
        return x25519.Recipient.from_str(public_key.strip())
    except Exception as exc:  # pyrage raises RecipientError or ValueError
        raise EnvelopeError("not an age x25519 public key") from exc


def identity_parse(identity: str) -> x25519.Identity:
    try:
        return x25519.Identity.from_str(identity.strip())
    except Exception as exc:
        raise EnvelopeError("not an age x25519 identity") from exc


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost for passphrase-wrapped identities. Tests inject a cheap one."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 1


_WRAP_MAGIC = b"tnrwatch-wrapped-identity/v1\n"


def _kdf(passphrase: str, salt: bytes, cost: KdfCost) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"), salt, time_cost=cost.time_cost, memory_cost=cost.memory_kib,
        parallelism=cost.parallelism, hash_len=32, type=Type.ID,
    )


def identity_wrap(identity: str, passphrase: str, cost: KdfCost) -> bytes:
    """`identity` age-encrypted to a key derived from `passphrase` with Argon2id (cost in the header)."""
    if not passphrase:
        raise EnvelopeError("a passphrase is required")
    salt = secrets.token_bytes(16)
    wrapping = identity_from_seed(_kdf(passphrase, salt, cost))
    header = f"argon2id t={cost.time_cost} m={cost.memory_kib} p={cost.parallelism} salt={salt.hex()}\n"
    wrapped: bytes = pyrage.encrypt(identity.encode(), [wrapping.to_public()])
    return _WRAP_MAGIC + header.encode() + wrapped


def identity_unwrap(blob: bytes, passphrase: str) -> x25519.Identity:
    """The identity inside `blob`, or WrongPassphraseError."""
    try:
        if not blob.startswith(_WRAP_MAGIC):
            raise ValueError("magic")
        header, ciphertext = blob[len(_WRAP_MAGIC):].split(b"\n", 1)
        fields = dict(part.split("=", 1) for part in header.decode().split()[1:])
        cost = KdfCost(int(fields["t"]), int(fields["m"]), int(fields["p"]))
        salt = bytes.fromhex(fields["salt"])
    except (ValueError, KeyError) as exc:
        raise EnvelopeError("not a wrapped identity") from exc
    wrapping = identity_from_seed(_kdf(passphrase, salt, cost))
    try:
        return identity_parse(pyrage.decrypt(ciphertext, [wrapping]).decode())
    except (pyrage.DecryptError, EnvelopeError, UnicodeDecodeError) as exc:
        raise WrongPassphraseError() from exc


# --- payloads -------------------------------------------------------------------------------------


def _recipients(public_keys: Sequence[str]) -> list[x25519.Recipient]:
    if not public_keys:
        raise EncryptionError("no recipient keys: nothing can be accepted until one is set up")
    return [recipient_parse(k) for k in public_keys]


def encrypt(plaintext: bytes, public_keys: Sequence[str]) -> bytes:
    """`plaintext` encrypted to every key in `public_keys` (binary age format)."""
    ciphertext: bytes = pyrage.encrypt(plaintext, _recipients(public_keys))
    return ciphertext


def decrypt(ciphertext: bytes | BinaryIO, identities: Sequence[x25519.Identity]) -> bytes:
    """The whole plaintext, or DecryptionError. Never returns or leaves partial plaintext."""
    source = io.BytesIO(ciphertext) if isinstance(ciphertext, bytes | bytearray | memoryview) else ciphertext
    sink = io.BytesIO()
    try:
        pyrage.decrypt_io(source, sink, list(identities))
    except Exception as exc:  # pyrage raises DecryptError, OSError or ValueError depending on the fault
        sink.seek(0)
        sink.truncate()
        raise DecryptionError() from exc
    return sink.getvalue()


class _QueueReader:
    """The read() side of the pipe between the request thread and the encrypting thread."""

    def __init__(self, chunks: queue.Queue[bytes | None]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self._eof = False

    def read(self, size: int = -1) -> bytes:
        while not self._buffer and not self._eof:
            item = self._chunks.get()
            if item is None:
                self._eof = True
            else:
                self._buffer += item
        if size is None or size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


class EncryptingWriter:
    """Push-mode streaming encryption: write() plaintext chunks, close(); only ciphertext reaches `sink`.

    pyrage streams in pull mode (it reads from a file object), so a worker thread runs the age
    encryption while the request thread pushes chunks through a small bounded queue: memory stays
    bounded (a few chunks) whatever the size of the upload. Small payloads (up to
    `one_shot_bytes`, held in memory only) skip the thread and are encrypted in one call.
    """

    def __init__(self, sink: BinaryIO, public_keys: Sequence[str], *, queue_chunks: int = 8,
                 one_shot_bytes: int = 256 * 1024) -> None:
        self._sink = sink
        self._recipients = _recipients(public_keys)
        self._queue_chunks = queue_chunks
        self._one_shot_bytes = one_shot_bytes
        self._pending: list[bytes] = []
        self._chunks: queue.Queue[bytes | None] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._closed = False
        self.plaintext_bytes = 0

    def _start_stream(self) -> None:
        self._chunks = queue.Queue(maxsize=self._queue_chunks)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        pending, self._pending = self._pending, []
        for chunk in pending:
            self._put(chunk)

    def _run(self) -> None:
        try:
            assert self._chunks is not None  # set by _start_stream before the thread starts
            pyrage.encrypt_io(_QueueReader(self._chunks), self._sink, self._recipients)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the request thread
            self._error = exc

    def _put(self, item: bytes | None) -> None:
        assert self._chunks is not None and self._thread is not None
        while True:
            try:
                self._chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                if not self._thread.is_alive():
                    raise EncryptionError() from self._error

    def write(self, data: bytes) -> int:
        if self._closed:
            raise EncryptionError("writer is closed")
        if self._error is not None:
            raise EncryptionError() from self._error
        if data:
            self.plaintext_bytes += len(data)
            if self._thread is None:
                self._pending.append(bytes(data))
                if self.plaintext_bytes > self._one_shot_bytes:
                    self._start_stream()
            else:
                self._put(bytes(data))
        return len(data)

    def close(self) -> None:
        """Finish the stream (writes age's final chunk). Raises EncryptionError on failure."""
        if self._closed:
            return
        self._closed = True
        if self._thread is None:
            try:
                self._sink.write(pyrage.encrypt(b"".join(self._pending), self._recipients))
            except Exception as exc:
                raise EncryptionError() from exc
            finally:
                self._pending = []
            return
        self._put(None)
        self._thread.join()
        if self._error is not None:
            raise EncryptionError() from self._error


# --- receipts -------------------------------------------------------------------------------------

# Crockford's base32: no I, L, O, U, so a receipt survives being written down and read back.
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_CHARS = 28  # 28 x 5 = 140 random bits
RECEIPT_GROUP = 4


def receipt_generate() -> str:
    """A new receipt: 140 random bits as 7 groups of 4 characters (e.g. 7K2Q-…)."""
    bits = secrets.randbits(RECEIPT_CHARS * 5)
    chars = "".join(_RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(RECEIPT_CHARS))
    return "-".join(chars[i:i + RECEIPT_GROUP] for i in range(0, RECEIPT_CHARS, RECEIPT_GROUP))


def receipt_normalize(text: str) -> str | None:
    """The canonical form of a typed receipt (case, spaces, dashes and look-alikes forgiven), or None."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != RECEIPT_CHARS or any(ch not in _RECEIPT_ALPHABET for ch in cleaned):
        return None
    return cleaned


def receipt_hash(receipt: str, key: bytes) -> str:
    """The look-up hash of a normalized receipt: HMAC-SHA256 under the server's receipt key.

    Without the key nobody can compute it from a receipt, so a copy of the database cannot be
    searched for the report a receipt belongs to."""
    return hmac.new(key, b"receipt/v1:" + receipt.encode(), hashlib.sha256).hexdigest()


# Reporter key derivations, by the version stored on each report (Report.reporter_key_version).
REPORTER_KEY_V1 = 1  # receipt only: reports made before the server key was mixed in (see below)
REPORTER_KEY_V2 = 2  # receipt and server key: every report since


def reporter_identity(receipt: str, key: bytes) -> x25519.Identity:
    """The reporter's x25519 identity: HMAC-SHA256 of the normalized receipt under the server key.

    The same server key as the look-up hash, under a different label, so the two outputs are
    independent (HMAC is a PRF) and the stored public half reveals nothing about the look-up hash
    or the receipt. Without the key, a receipt yields neither the private key nor a public key to
    compare with a copy of the database: the receipt (140 bits) and the key are both needed.
    """
    seed = hmac.new(key, b"reporter identity/v2:" + receipt.encode(), hashlib.sha256).digest()
    return identity_from_seed(seed)


def reporter_identity_v1(receipt: str) -> x25519.Identity:
    """The first derivation, from the receipt and a public constant only.

    Kept solely to open reports made before version 2, which are re-encrypted to their version-2
    key the first time their reporter comes back (services.reports.receipt_check): a receipt alone
    opens such a report's thread until then (SECURITY.md, "Receipts")."""
    seed = hmac.new(b"tnrwatch reporter identity/v1", receipt.encode(), hashlib.sha256).digest()
    return identity_from_seed(seed)
