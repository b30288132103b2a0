"""The "(province, score) pairs" shape of official summaries.

VCCI's PCI summaries (2008, 2010–2016 and likely later) put every sub-index in its own pair of
columns — a province column and a score column — each pair sorted by its own score, so one row
holds a different province in every pair. Some official tables also repeat the key: a code
column plus an English and a Vietnamese name column side by side.

The general rule used here: *identifier columns* (province names or codes, found by header or
by content) that stand next to each other form one key group; every score, rank or other column
belongs to the nearest key group on its left (columns left of the first group belong to it).
One group is the ordinary wide table; several groups are the pairs shape. Nothing here knows
a year or a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Group:
    """Identifier columns and the columns keyed by them."""

    ids: list[int]
    scores: list[int] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)


def key_groups(width: int, id_columns: set[int], score_columns: set[int], rank_columns: set[int]) -> list[Group]:
    """Split columns into key groups (see module doc)."""
    groups: list[Group] = []
    pending_scores: list[int] = []
    pending_ranks: list[int] = []
    for column in range(width):
        if column in id_columns:
            if groups and not groups[-1].scores and not groups[-1].ranks:
                groups[-1].ids.append(column)  # adjacent identifiers: one key (code + names)
            else:
                groups.append(Group([column]))
        elif column in score_columns:
            (groups[-1].scores if groups else pending_scores).append(column)
        elif column in rank_columns:
            (groups[-1].ranks if groups else pending_ranks).append(column)
    if groups:
        groups[0].scores[:0] = pending_scores
        groups[0].ranks[:0] = pending_ranks
    return groups


def orphan_scores(cells: list, groups: list[Group], is_missing, is_number) -> bool:
    """A pairs-shaped row where some pair has a score but no province.

    Such a row is a summary below the table (the focal province repeated, its ranks), not data.
    """
    if len(groups) < 2:
        return False
    for group in groups:
        ids_present = any(c < len(cells) and not is_missing(cells[c]) for c in group.ids)
        scored = any(c < len(cells) and is_number(cells[c]) for c in group.scores)
        if scored and not ids_present:
            return True
    return False
