"""The round's deadline: `--deadline 2025-03-31` is the end of that day on this computer's clock (or a
time: `2025-03-31 17:30`); an upload after it is late (逾期) on the board, the unit's history and the CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d")


@dataclass(frozen=True)
class Deadline:
    text: str            # as the office gave it (shown on the pages)
    end: datetime        # the first moment that is late, with this computer's offset

    @classmethod
    def parse(cls, text: str) -> Deadline:
        """Raises ValueError, in Chinese, for anything but a date or a date and time."""
        text = text.strip().replace("/", "-").replace("T", " ")
        for fmt in _FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if fmt == "%Y-%m-%d":       # the whole day counts
                moment = datetime.combine(moment.date() + timedelta(days=1), time())
            return cls(text, moment.astimezone())
        raise ValueError(f"截止时间“{text}”应写成 2025-03-31 或 2025-03-31 17:30")

    def late(self, stamp: str | None) -> bool:
        """Whether an upload at `stamp` (the store's time, ISO with offset) came after the deadline."""
        if not stamp:
            return False
        try:
            return datetime.fromisoformat(stamp) >= self.end
        except ValueError:
            return False

    def passed(self) -> bool:
        return datetime.now().astimezone() >= self.end
