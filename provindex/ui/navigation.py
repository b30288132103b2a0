"""The pages of the dashboard, declared once.

The entry point builds its navigation from this list and the tests run every page from it, so a new
page is one new line here.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from provindex import config
from provindex.auth import allows
from provindex.i18n import t


@dataclass(frozen=True)
class PageSpec:
    """One page: script in ``app_pages/``, URL path (title ``nav.<key>``), icon, least role (``auth.ROLES``)."""

    key: str
    icon: str
    default: bool = False
    min_role: str = "viewer"
    #: the page also serves an empty database (the Data page makes the first load of a fresh install)
    works_empty: bool = False

    @property
    def script(self) -> str:
        return f"app_pages/{self.key}.py"

    @property
    def path(self):
        return config.ROOT / self.script


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", ":material/home:", default=True),
    PageSpec("trends", ":material/show_chart:"),
    PageSpec("rankings", ":material/leaderboard:"),
    PageSpec("compare", ":material/compare_arrows:"),
    PageSpec("map", ":material/grid_view:"),
    PageSpec("impact", ":material/science:"),
    PageSpec("planner", ":material/flag:"),
    PageSpec("report", ":material/slideshow:"),
    PageSpec("present", ":material/co_present:"),
    PageSpec("data", ":material/database:", min_role="analyst", works_empty=True),
    PageSpec("register", ":material/edit_note:", min_role="analyst", works_empty=True),
    PageSpec("admin", ":material/admin_panel_settings:", min_role="admin"),
)


def page_spec(key: str) -> PageSpec | None:
    """The declared page of that key (None for a script that is not a page of the menu)."""
    return next((spec for spec in PAGES if spec.key == key), None)


def menu_keys(role: str) -> list[str]:
    """Keys of the pages ``role`` finds in the menu (every page whose ``min_role`` it covers)."""
    return [spec.key for spec in PAGES if allows(role, spec.min_role)]


def navigation_pages(lang: str, role: str = "viewer") -> list[st.Page]:
    """``st.Page`` objects for ``st.navigation``, titled in ``lang``; the overview is served at ``/``.

    Built on every run from the user's ``role``: a page the role lacks is left out of the menu (hidden), yet
    keeps its URL, so a bookmark opens the page's refusal and sign-in form rather than Streamlit's "page not
    found" — and the page itself refuses to run (``page_setup``), whoever opens it.
    """
    shown = set(menu_keys(role))
    return [st.Page(spec.script, title=t(f"nav.{spec.key}", lang), icon=spec.icon, url_path=spec.key,
                    default=spec.default, visibility="visible" if spec.key in shown else "hidden")
            for spec in PAGES]
