"""provindex: the library behind the provincial governance-index dashboard.

Everything the dashboard, the ETL and the tests share lives here. Only ``provindex.ui``
imports Streamlit; nothing connects to a database at import time.
"""

__version__ = "0.1.0"
