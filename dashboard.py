"""Entry point: ``streamlit run dashboard.py``. Page config and navigation only."""

import streamlit as st

from provindex.ui import current_lang, share_link, warm_impact
from provindex.ui.navigation import navigation_pages

st.set_page_config(page_title="provindex", page_icon="📊", layout="wide")
warm_impact()  # first pyfixest call once per process, in a background thread
st.navigation(navigation_pages(current_lang())).run()
share_link()  # after the page: the link carries every choice it made
