"""View models: everything a page shows, computed in one call from the page's filters.

Pages stay short (filters -> one call here -> render); these functions are pure and tested
without Streamlit. Each returns a dataclass with the frames, the figure and the sentences.

The page-specific views live in ``trends``, ``rankings``, ``compare`` and ``maps``; what they share in
``common``. Pages and the renderers import the public names from here.
"""

from provindex.views.common import (PUBLISHED_DECIMALS, View, axis_title, component_options, component_title,
                                    export_info, shown_year)
from provindex.views.compare import CompareView, compare_view
from provindex.views.maps import map_view
from provindex.views.rankings import RankingView, default_neighbours, ranking_view
from provindex.views.trends import comparable_parts, trend_view

__all__ = ["PUBLISHED_DECIMALS", "View", "axis_title", "component_options", "component_title", "export_info",
           "shown_year", "CompareView", "compare_view", "map_view", "RankingView", "default_neighbours",
           "ranking_view", "comparable_parts", "trend_view"]
