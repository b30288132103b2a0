"""Quản trị / Administration (admin role): the dashboard's users and the audit log."""

from provindex.ui.admin import admin_setup, render_audit, render_users

context = admin_setup()
render_users(context)
render_audit(context)
