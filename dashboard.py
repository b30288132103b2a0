"""Entry point: ``streamlit run dashboard.py``. Page config, the user's navigation and account box only."""

import streamlit as st

from provindex.ui import current_lang, share_link, warm_impact
from provindex.ui.auth import account_box, may_browse, refresh_user
from provindex.ui.navigation import navigation_pages

st.set_page_config(page_title="provindex", page_icon="📊", layout="wide")
warm_impact()  # first pyfixest call once per process, in a background thread
user = refresh_user()  # the menu is built for this user's role on every run
page = st.navigation(navigation_pages(current_lang(), user.role), position="sidebar" if may_browse(user) else "hidden")
account_box(current_lang())
page.run()
share_link()  # after the page: the link carries every choice it made
