"""Entry point: ``streamlit run dashboard.py``. Page config and navigation only."""

import streamlit as st

from provindex.i18n import t
from provindex.ui import current_lang

st.set_page_config(page_title="provindex", page_icon="📊", layout="wide")
lang = current_lang()
pages = [
    st.Page("pages/overview.py", title=t("nav.overview", lang), icon="🏠", url_path="overview", default=True),
]
st.navigation(pages).run()
