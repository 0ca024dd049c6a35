"""Person names are masked wherever they are shown, unless the viewer chooses to see them."""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """The family name kept, the rest starred: 张三丰 → 张**; empty stays empty.

    >>> mask_name("张三丰"), mask_name("李四"), mask_name("")
    ('张**', '李*', '')
    """
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
