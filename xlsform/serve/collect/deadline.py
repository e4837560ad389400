"""The round's deadline: `--deadline 2025-03-31` is the end of that day (or a time: `2025-03-31 17:30`); an
upload after it is late (逾期) on the board, the unit's history and the CSV.

In which time zone: the one written after it (`2025-03-31 17:30 +08:00`, `+0800`, `UTC+8`, `Z`, or
`北京时间`), else this computer's clock. A server whose clock runs on UTC (a cloud machine, a container) would
otherwise mark a Chinese office's uploads late 8 hours off; so the zone is said wherever the deadline is
shown (「2025-03-31（北京时间）」), and `warning` says when the computer's own zone is used and is not +08:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

BEIJING = timedelta(hours=8)
_WHEN = re.compile(r"(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:\s+(?P<time>\d{1,2}:\d\d))?(?P<zone>.*)")
# the zone after it: "+08:00", "+0800", "+8", "UTC+8", "GMT+08:00", "Z", "UTC", 北京时间 (also in brackets, as
# the pages show it)
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d\d))?", re.IGNORECASE)
_NAMED = {"北京时间": BEIJING, "Z": timedelta(0), "UTC": timedelta(0), "GMT": timedelta(0)}


@dataclass(frozen=True)
class Deadline:
    text: str            # the date (and time) the office gave, without its zone: 2025-03-31, 2025-03-31 17:30
    end: datetime        # the first moment that is late, with its offset
    explicit: bool = False     # the zone was given; else it is this computer's

    @classmethod
    def parse(cls, text: str) -> Deadline:
        """Raises ValueError, in Chinese, for anything but a date or a date and time, with an optional zone."""
        given = re.sub(r"(?<=\d)T(?=\d)", " ", text.strip().replace("/", "-").replace("：", ":").replace("＋", "+"))
        m = _WHEN.fullmatch(given)
        try:
            if m is None:
                raise ValueError
            zone = _zone(m["zone"])
            moment = datetime.strptime(f"{m['date']} {m['time'] or '00:00'}", "%Y-%m-%d %H:%M")
        except ValueError:
            raise ValueError(f"截止时间“{text.strip()}”应写成 2025-03-31 或 2025-03-31 17:30，可在后面加时区，"
                             "如 2025-03-31 17:30 +08:00") from None
        when = moment.strftime("%Y-%m-%d" if m["time"] is None else "%Y-%m-%d %H:%M")
        if m["time"] is None:          # the whole day counts
            moment += timedelta(days=1)
        end = moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()
        return cls(when, end, explicit=zone is not None)

    @property
    def offset(self) -> timedelta:
        return self.end.utcoffset() or timedelta(0)

    @property
    def zone(self) -> str:
        """北京时间 for +08:00, else the offset as UTC+05:30 / UTC-05:00 / UTC+00:00."""
        return "北京时间" if self.offset == BEIJING else "UTC" + _offset_text(self.offset)

    @property
    def shown(self) -> str:
        """As the pages and the start message say it: 「2025-03-31（北京时间）」."""
        return f"{self.text}（{self.zone}）"

    @property
    def kept(self) -> str:
        """As the store remembers it for later starts: with the zone when one was given (a later start on
        another clock keeps the same moment), else as given (it follows this computer's clock, as before)."""
        return f"{self.text} {_offset_text(self.offset)}" if self.explicit else self.text

    def warning(self) -> str | None:
        """Why the office should look again: the zone is this computer's, and it is not Beijing time."""
        if self.explicit or self.offset == BEIJING:
            return None
        return (f"截止时间按这台电脑的时钟（{self.zone}）计算，不是北京时间：要按北京时间截止，请写明时区重新启动，"
                f"如 --deadline \"{self.text} +08:00\"")

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


def _zone(text: str) -> timezone | None:
    """The zone written after the date and time (None: none written); ValueError for anything else."""
    text = text.strip().strip("()（）[]【】").strip()
    if not text:
        return None
    named = next((v for k, v in _NAMED.items() if k.lower() == text.lower()), None)
    if named is not None:
        return timezone(named)
    m = _OFFSET.fullmatch(text)
    if m is None or int(m["h"]) > 14 or int(m["m"] or 0) >= 60:
        raise ValueError(text)
    offset = timedelta(hours=int(m["h"]), minutes=int(m["m"] or 0))
    return timezone(-offset if m["sign"] == "-" else offset)


def _offset_text(offset: timedelta) -> str:
    """+08:00, -05:00, +05:30, +00:00."""
    minutes = int(offset.total_seconds()) // 60
    sign, minutes = ("-", -minutes) if minutes < 0 else ("+", minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
