"""Translations: ``t("section.key", lang, **params)`` over locales/vi.toml and locales/en.toml.

Vietnamese is the default and the fallback: a key missing in English shows the Vietnamese
text rather than a raw key, and a test keeps both files' key sets equal.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
_LOCALE_DIR = Path(__file__).resolve().parent / "locales"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    """Nested TOML tables to dotted keys: ``{'a': {'b': 'x'}}`` -> ``{'a.b': 'x'}``."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys.

    ``locales/<lang>.toml`` holds the shared messages; each feature may add its own
    ``locales/<lang>.<feature>.toml`` (e.g. ``vi.impact.toml``). A key defined twice is an error.
    """
    messages: dict[str, str] = {}
    for path in [_LOCALE_DIR / f"{lang}.toml", *sorted(_LOCALE_DIR.glob(f"{lang}.*.toml"))]:
        with open(path, "rb") as handle:
            part = _flatten(tomllib.load(handle))
        duplicated = set(part) & set(messages)
        if duplicated:
            raise ValueError(f"{path.name} redefines {sorted(duplicated)[:5]}")
        messages.update(part)
    return messages


def normalise_lang(lang: str | None) -> str:
    """A supported language code: ``lang`` when known, else the default (Vietnamese)."""
    return lang if lang in LANGS else DEFAULT_LANG


def lang_column(field: str, lang: str) -> str:
    """The column holding ``field`` in ``lang``: ``lang_column("short", "en") == "short_en"``.

    Catalogue tables carry every label twice (``name_vi``/``name_en``, ``note_vi``/``note_en``…);
    this is the one place that picks the language's column (Vietnamese for anything but English).
    """
    return f"{field}_en" if normalise_lang(lang) == "en" else f"{field}_vi"


def localized(row, field: str, lang: str):
    """``row[field_<lang>]`` for a mapping, Series or namedtuple-like row (see :func:`lang_column`)."""
    return row[lang_column(field, lang)]


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """The message for ``key`` in ``lang`` with ``params`` filled in."""
    lang = normalise_lang(lang)
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANG).get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
