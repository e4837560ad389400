"""What every route shares: the configuration, the store, the intake pool, the manifest, the login throttle."""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from xlsform.errors import XlsformError
from xlsform.manifest import Manifest
from xlsform.serve.collect import links
from xlsform.serve.collect.deadline import Deadline
from xlsform.serve.collect.intake import CHECKERS_LOG, Intake, Limits
from xlsform.serve.collect.lock import ServerLock
from xlsform.serve.security import LoginThrottle, hash_password, new_password, password_problem
from xlsform.store import Store, other_round_message, store_path

SERVICE = "xlsform"      # the key of the Service in app.extensions


@dataclass
class ServeConfig:
    manifest: Path
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: float = 10.0
    deadline: str | None = None
    admin_password: str | None = None     # used when the store has none yet (first start), or to reset it
    reset_admin_password: bool = False    # set a new password (admin_password, or a made-up one), end sessions
    check_processes: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))   # 0: in threads
    check_slots: int = 2                  # checks at once when they run in the server's threads
    queue_wait: float = 10.0              # seconds an upload waits for a checking slot before 503
    check_timeout: float = 120.0          # seconds one file may take; then its worker is replaced
    limits: Limits = field(default_factory=Limits)     # what one unit may upload: a rate and a disk quota


class Service:
    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.manifest = Manifest.load(config.manifest)
        manifest_file = self.manifest.path or config.manifest
        self.store = Store(store_path(manifest_file))
        self._intake: Intake | None = None
        self.lock = ServerLock(self.store.path.parent)
        try:
            self.lock.acquire()          # before anything is swept or started: the store may be another's
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        config = self.config
        held = self.store.claim_round(self.manifest.spec_id, self.manifest.year)
        if held is not None:         # before anything is changed: the store is another round's
            raise XlsformError(other_round_message(self.store.path, held, self.manifest.spec_id, self.manifest.year))
        self.links_csv = self.store.path.parent / links.LINKS_NAME
        self.max_bytes = int(config.max_upload_mb * 1024 * 1024)
        self.throttle = LoginThrottle()
        self.deadline = self._deadline(config.deadline)
        # the clock the pages and the CSV show times on: the deadline's (None: as the store keeps them)
        self.zone = self.deadline.end.tzinfo if self.deadline is not None else None
        self.store.make_private()
        for beside in (self.links_csv, self.store.path.parent / CHECKERS_LOG):     # left readable earlier
            with suppress(OSError):
                beside.chmod(0o600)
        self.store.remove_stale_temporaries()
        self.store.sync_units(((str(u.code), str(u.name)) for u in self.manifest.units), retire_others=True)
        # cookies are per host, not per port: two rounds served from one PC must not share one
        self.cookie_name = "xlsform_" + self.store.set_meta("round_id", secrets.token_hex(4), only_if_absent=True)
        self.ignored_admin_password = False
        if config.reset_admin_password:
            self.new_admin_password = self.reset_password(config.admin_password)
        else:
            self.new_admin_password = self._first_password(config.admin_password)
        self.secret_key = self.store.set_meta("secret_key", secrets.token_hex(32), only_if_absent=True)
        self._intake = Intake(self.store, self.manifest, max_bytes=self.max_bytes, slots=config.check_slots,
                             wait=config.queue_wait, processes=config.check_processes,
                             timeout=config.check_timeout, limits=config.limits)

    def _deadline(self, given: str | None) -> Deadline | None:
        """The deadline given now (kept for later starts), or the one given before."""
        text = given or self.store.meta("deadline")
        if not text:
            return None
        try:
            deadline = Deadline.parse(text)
        except ValueError as e:
            raise XlsformError(str(e)) from None
        if given:      # with its zone, when one was given: a later start on another clock keeps the moment
            self.store.set_meta("deadline", deadline.kept)
        return deadline

    def late(self, stamp: str | None) -> bool:
        return self.deadline is not None and self.deadline.late(stamp)

    def _first_password(self, given: str | None) -> str | None:
        """The admin password is set once, at first start; returns it when it was made up here (to print).
        A password given on a later start is not used, and `ignored_admin_password` says so."""
        if self.store.meta("admin_password") is not None:
            self.ignored_admin_password = bool(given)
            return None
        password = _acceptable(given) or new_password()
        hashed = hash_password(password)
        kept = self.store.set_meta("admin_password", hashed, only_if_absent=True)
        return None if given or kept != hashed else password     # another process set it first: not ours

    def reset_password(self, given: str | None) -> str | None:
        """`--reset-admin-password`: a new password (the given one, or one made up and returned to print), a
        new signing key, and every session ended."""
        password = _acceptable(given) or new_password()
        self.set_password(password)
        self.store.set_meta("secret_key", secrets.token_hex(32))
        self.store.audit("命令行", "重设管理密码", "所有登录已失效")
        return None if given else password

    def set_password(self, password: str) -> None:
        """A new admin password; every session of the old one ends at once."""
        self.store.set_meta("admin_password", hash_password(password))
        self.store.end_sessions()

    @property
    def intake(self) -> Intake:
        assert self._intake is not None, "the service did not start"
        return self._intake

    def close(self) -> None:
        if self._intake is not None:
            self._intake.close()
        self.store.close()
        self.lock.release()

    def issue_links(self, base_url: str | None = None) -> int:
        if base_url:
            self.config.base_url = base_url
        return links.issue_missing(self.store, self.config.base_url, self.links_csv)

    def links_base(self, given: str | None, host: str, port: int) -> str:
        """Where the links point: a --base-url given now (kept for later starts), else the one given before,
        else the address this server listens at."""
        if given:
            return self.store.set_meta("base_url", given.rstrip("/"))
        return self.store.meta("base_url") or links.listening_base(host, port)


def _acceptable(password: str | None) -> str | None:
    if password and (problem := password_problem(password)):
        raise XlsformError(problem)
    return password


def service() -> Service:
    """The running app's Service (inside a request)."""
    from flask import current_app

    svc: Service = current_app.extensions[SERVICE]
    return svc
