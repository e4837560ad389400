"""What every route shares: the configuration, the store, the intake pool, the manifest, the login throttle."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from xlsform.manifest import Manifest
from xlsform.serve.collect import links
from xlsform.serve.collect.intake import Intake
from xlsform.serve.security import LoginThrottle, hash_password, new_password
from xlsform.store import Store, store_path

SERVICE = "xlsform"      # the key of the Service in app.extensions


@dataclass
class ServeConfig:
    manifest: Path
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: float = 10.0
    deadline: str | None = None
    admin_password: str | None = None     # used only when the store has none yet (first start)
    check_processes: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))   # 0: in threads
    check_slots: int = 2                  # checks at once when they run in the server's threads
    queue_wait: float = 10.0              # seconds an upload waits for a checking slot before 503
    check_timeout: float = 120.0          # seconds one file may take; then its worker is replaced


class Service:
    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.manifest = Manifest.load(config.manifest)
        manifest_file = self.manifest.path or config.manifest
        self.store = Store(store_path(manifest_file))
        self.links_csv = self.store.path.parent / links.LINKS_NAME
        self.max_bytes = int(config.max_upload_mb * 1024 * 1024)
        self.intake = Intake(self.store, self.manifest, max_bytes=self.max_bytes, slots=config.check_slots,
                             wait=config.queue_wait, processes=config.check_processes,
                             timeout=config.check_timeout)
        self.throttle = LoginThrottle()
        self.store.remove_stale_temporaries()
        self.store.sync_units((str(u.code), str(u.name)) for u in self.manifest.units)
        self.secret_key = self.store.set_meta("secret_key", secrets.token_hex(32), only_if_absent=True)
        self.new_admin_password = self._first_password(config.admin_password)

    def _first_password(self, given: str | None) -> str | None:
        """The admin password is set once, at first start; returns it when it was made up here (to print)."""
        if self.store.meta("admin_password") is not None:
            return None
        password = given or new_password()
        hashed = hash_password(password)
        kept = self.store.set_meta("admin_password", hashed, only_if_absent=True)
        return None if given or kept != hashed else password     # another process set it first: not ours

    def close(self) -> None:
        self.intake.close()
        self.store.close()

    def issue_links(self, base_url: str | None = None) -> int:
        if base_url:
            self.config.base_url = base_url
        return links.issue_missing(self.store, self.config.base_url, self.links_csv)


def service() -> Service:
    """The running app's Service (inside a request)."""
    from flask import current_app

    svc: Service = current_app.extensions[SERVICE]
    return svc
