"""Entry point: ``streamlit run dashboard.py``. Page config and navigation only."""

import streamlit as st

from provindex.i18n import t
from provindex.ui import current_lang, warm_impact

st.set_page_config(page_title="provindex", page_icon="📊", layout="wide")
lang = current_lang()
pages = [
    st.Page("pages/overview.py", title=t("nav.overview", lang), icon="🏠", url_path="overview", default=True),
    st.Page("pages/impact.py", title=t("nav.impact", lang), icon="🧪", url_path="impact"),
]
warm_impact()  # first pyfixest call once per process, in a background thread
st.navigation(pages).run()
