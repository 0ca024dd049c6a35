"""The clerk's own words for a category: 义诊 or 老年助餐 in a 类别 cell, mapped to the standard group by the
schema's synonyms table, the word kept beside it.

A property with ``synonyms: <table>`` in ``orggraph/model/schema.yaml`` (Need and Resource ``category``) takes a
group of its enum or a word of that table. The column's parser (:func:`word_parser`) accepts either and
refuses anything else with the groups listed; :func:`settle` then puts the group in the property and the
word as written in ``<property>_text`` (``category_text``, 类别原文), unless that column holds the clerk's own
text already. A word outside the table is an error rather than 其他: filed under 其他 it would be matched
against unrelated 其他 resources, which is not what the clerk meant, and 类别原文 keeps any word next to a
group written by hand, so nothing is lost either way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from loaders.cell_values import ValueProblem, normalize_text
from orggraph.model.schema import PropertySpec, load_schema


def _key(text: str) -> str:
    return normalize_text(text).replace(" ", "")


@cache
def _words(table: str) -> dict[str, str]:
    """Matching key → group, for the groups themselves and every word of the table."""
    return {_key(w): g for w, g in load_schema().word_groups(table).items()}


def group_of(table: str, word: str) -> str | None:
    """The group a word (or a group name) means, or None."""
    return _words(table).get(_key(word))


def word_parser(spec: PropertySpec) -> Callable[[object], str]:
    """The parser of a column with synonyms: a group or a known word (as written, normalised), else ValueProblem."""
    words, groups = _words(spec.synonyms), "、".join(spec.enum or ())
    text_spec = None
    for node in load_schema().nodes.values():
        if spec in node.properties:
            text_spec = node.property(f"{spec.name}_text")
    keep = f";请填写其一,原词可填在“{text_spec.zh}”" if text_spec else ""
    keep_en = f"; write one of them and keep your own word in {text_spec.name} / {text_spec.zh}" if text_spec else ""

    def parse(value: object) -> str:
        text = normalize_text(value)
        if text in words or _key(text) in words:
            return text
        raise ValueProblem(
            f"“{text}”不是允许的取值:{groups}(也不在{spec.zh}同义词表中{keep})",
            f"'{text}' is not an allowed value: {', '.join(spec.enum or ())} (nor a known word for one{keep_en})",
        )

    return parse


@cache
def _word_props(label: str) -> tuple[tuple[str, str | None, str, frozenset[str]], ...]:
    """(property, its ``_text`` property if declared, table, groups) for each property of a label with synonyms."""
    node = load_schema().nodes.get(label)
    if node is None:
        return ()
    out = []
    for p in node.properties:
        if p.synonyms is not None:
            text = f"{p.name}_text" if node.property(f"{p.name}_text") else None
            out.append((p.name, text, p.synonyms, frozenset(p.enum or ())))
    return tuple(out)


def has_words(label: str) -> bool:
    """Does any property of a label take the clerk's own words (so that :func:`settle` has work to do)?"""
    return bool(_word_props(label))


def settle(label: str, props: dict[str, Any]) -> None:
    """In place: a word in a property with synonyms becomes its group, the word kept in ``<property>_text``
    (a ``_text`` the row gives itself is left as written)."""
    for name, text_name, table, groups in _word_props(label):
        word = props.get(name)
        if word is None or word in groups:
            continue
        group = group_of(table, word)
        if group is None:  # the parser lets no such word through; keep the word rather than lose it
            continue
        props[name] = group
        if text_name is not None:
            props.setdefault(text_name, word)
