"""The review-conference deck: ``python -m provindex.deck --unit 48 --year 2024 --out deck.pptx``.

``data`` reads the database (through ``provindex.queries``), ``story`` turns scores into a medium-free
:class:`~provindex.deck.model.Story` (``sections`` per index, ``plans`` the target and reform slides),
``pptx_writer`` writes it as an editable PowerPoint, ``figures`` draws its charts with plotly for the
presentation mode and the PNG export, ``cli`` is the command line.
"""

from provindex.deck.data import DeckData, read
from provindex.deck.model import ChartSpec, DeckError, Slide, Story, TableSpec
from provindex.deck.pptx_writer import write_deck
from provindex.deck.story import build_story

__all__ = ["ChartSpec", "DeckData", "DeckError", "Slide", "Story", "TableSpec", "build_story", "read", "write_deck"]
