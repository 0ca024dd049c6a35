"""统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters, the last a check digit."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    """The check character for the first 17 characters (weights 3^i mod 31, GB 32100)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True when ``code`` has 18 characters from the alphabet and the right check digit.

    >>> is_valid(with_check("91370800MA3C12345"))
    True
    >>> is_valid("91370800MA3C123450")
    False
    """
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return check_char(code[:17]) == code[17]


def with_check(first17: str) -> str:
    """The full 18-character code for 17 given characters."""
    return first17 + check_char(first17)
