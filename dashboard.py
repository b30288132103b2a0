"""Entry point: ``streamlit run dashboard.py``. Page config and navigation only."""

import streamlit as st

from provindex.i18n import t
from provindex.ui import current_lang, warm_impact

st.set_page_config(page_title="provindex", page_icon="📊", layout="wide")
lang = current_lang()
pages = [
    st.Page("app_pages/overview.py", title=t("nav.overview", lang), icon=":material/home:", url_path="overview", default=True),
    st.Page("app_pages/trends.py", title=t("nav.trends", lang), icon=":material/show_chart:", url_path="trends"),
    st.Page("app_pages/rankings.py", title=t("nav.rankings", lang), icon=":material/leaderboard:", url_path="rankings"),
    st.Page("app_pages/compare.py", title=t("nav.compare", lang), icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/map.py", title=t("nav.map", lang), icon=":material/grid_view:", url_path="map"),
    st.Page("app_pages/impact.py", title=t("nav.impact", lang), icon=":material/science:", url_path="impact"),
]
warm_impact()  # first pyfixest call once per process, in a background thread
st.navigation(pages).run()
