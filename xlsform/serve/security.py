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


MIN_PASSWORD = 10          # characters: with the throttle below, years of guessing for a random one
SESSION_IDLE = 2 * 3600    # seconds an office session may sit unused before it ends
SESSION_LONGEST = 12 * 3600    # seconds any office session lasts at most (a working day)
DEVICE_DAYS = 400          # how long a browser that logged in here is remembered as the office's


def password_problem(password: str) -> str | None:
    """Why this cannot be the admin password (in Chinese), or None."""
    if len(password.strip()) < MIN_PASSWORD:
        return f"管理密码至少 {MIN_PASSWORD} 个字符（现为 {len(password.strip())} 个）"
    return None


class LoginThrottle:
    """Makes guessing the admin password slow without locking the office out.

    Failed logins are counted per key: a browser that has logged in here before shows a signed device cookie
    (`device_value`) and is a key of its own; any other client is keyed by its address, and all of those
    together also share one key. After `free` failures a key waits `first` seconds, twice as long after each
    further failure, up to `cap`; a try during the wait is not even checked. A failure counts for `memory`
    seconds (a day): the office's typos of a whole round must not add up until every new browser waits. So a
    guesser costs the office's own browsers nothing, whatever address they share with it (NAT, the HTTPS
    proxy), and a new browser of the office waits at most `cap` — the page says how long.
    """

    SHARED = "*"          # the key every client without a device cookie also counts against

    def __init__(self, free: int = 3, first: float = 30.0, cap: float = 900.0, shared_free: int = 30,
                 memory: float = 86400.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.first, self.cap, self.shared_free, self.clock = free, first, cap, shared_free, clock
        self.memory = memory
        self._failures: dict[str, tuple[list[float], float]] = {}     # key -> (failure times, wait until)
        self._lock = threading.Lock()

    def keys(self, address: str, device: str | None) -> list[str]:
        return [f"device:{device}"] if device else [f"address:{address}", self.SHARED]

    def attempt(self, keys: list[str]) -> float:
        """0 when a password may be checked now — the try is counted as a failure at once, so that guesses
        sent side by side cannot all slip through before the first is counted; `succeeded` takes it back.
        Otherwise the seconds to wait, and nothing is checked."""
        now = self.clock()
        with self._lock:
            wait = max(0.0, *(self._failures.get(k, ([], 0.0))[1] - now for k in keys))
            if wait > 0:
                return wait
            for key in keys:
                times, _ = self._failures.pop(key, ([], 0.0))
                times = [t for t in times if now - t < self.memory]
                times.append(now)
                free = self.shared_free if key == self.SHARED else self.free
                n = len(times)
                delay = 0.0 if n < free else min(self.cap, self.first * 2.0 ** (n - free))
                self._failures[key] = (times[-64:], now + delay)     # re-inserted: the dict stays oldest first
            while len(self._failures) > 10_000:      # a flood of addresses must not grow memory without end
                self._failures.pop(next(iter(self._failures)))
            return 0.0

    def succeeded(self, keys: list[str]) -> None:
        """The password was right: the key's failures are forgiven, but from the key all share only this
        try, and the wait it set is lifted (a login of the office leaves no wait for the next one)."""
        with self._lock:
            for key in keys:
                times, _ = self._failures.pop(key, ([], 0.0))
                if key == self.SHARED and len(times) > 1:
                    self._failures[key] = (times[:-1], 0.0)


def device_value(secret: str, device: str) -> str:
    """The device cookie: a random id and its signature under the service's key (so it cannot be made up)."""
    return f"{device}.{_signature(secret, device)}"


def device_of(secret: str, value: str | None) -> str | None:
    """The device id of a genuine device cookie, else None."""
    device, _, signature = (value or "").partition(".")
    return device if device and hmac.compare_digest(signature, _signature(secret, device)) else None


def _signature(secret: str, device: str) -> str:
    return hmac.new(secret.encode(), b"device:" + device.encode(), hashlib.sha256).hexdigest()[:32]


def wait_text(seconds: float) -> str:
    seconds = int(seconds + 0.999)
    return f"{seconds // 60} 分 {seconds % 60} 秒" if seconds >= 60 else f"{seconds} 秒"


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)
