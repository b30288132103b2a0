"""Dữ liệu / Data (analyst): upload and review files, confirm the load, history with rollback, downloads."""

from provindex import ui
from provindex.ui import workspace

ctx = ui.page_setup("data")
workspace.data_page(ctx)
