"""The service's defences that are not about files: passwords, login throttling, CSRF tokens, headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

# scrypt with N = 2**14, r = 8 needs 16 MiB and ~50 ms a try: cheap for one login, dear for a guesser
_N, _R, _P = 1 << 14, 8, 1

HEADERS = {
    # no script at all: the pages work without JavaScript, so none is allowed to run
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",          # a unit's URL carries its token: never leak it to another site
    "Cache-Control": "no-store",
}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(key)])


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(_unb64(key)), maxmem=64 << 20)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(key))


def new_password() -> str:
    return secrets.token_urlsafe(12)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class LoginThrottle:
    """After `free` failed logins from one address, each further try waits twice as long (up to `cap` s)."""

    def __init__(self, free: int = 3, cap: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.cap, self.clock = free, cap, clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, who: str) -> float:
        with self._lock:
            _, until = self._failures.get(who, (0, 0.0))
        return max(0.0, until - self.clock())

    def failed(self, who: str) -> None:
        with self._lock:
            n, _ = self._failures.get(who, (0, 0.0))
            n += 1
            delay = 0.0 if n < self.free else min(self.cap, 2.0 ** (n - self.free))
            self._failures[who] = (n, self.clock() + delay)
            if len(self._failures) > 10_000:      # a flood of addresses must not grow memory without end
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._failures.pop(who, None)


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)
