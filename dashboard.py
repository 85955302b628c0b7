"""Exchange Atlas dashboard: the router and nothing else.

Run with ``streamlit run dashboard.py``.  Every page is listed here explicitly (the ``pages/`` folder is not
auto-discovered once ``st.navigation`` is used); pages read the shared filters, query ``app.data`` and draw
``app.charts`` figures.
"""

from __future__ import annotations

import streamlit as st

PAGES = (
    ("pages/1_overview.py", "Overview", ":material/dashboard:"),
    ("pages/2_map.py", "Map", ":material/public:"),
    ("pages/3_timeline.py", "Timeline", ":material/timeline:"),
    ("pages/4_sectors.py", "Sectors", ":material/category:"),
    ("pages/5_network.py", "Network", ":material/hub:"),
    ("pages/6_data.py", "Data", ":material/table_view:"),
    ("pages/7_sources.py", "Sources and quality", ":material/fact_check:"),
    ("pages/8_upload.py", "Upload", ":material/upload_file:"),
)


def run() -> None:
    # An emoji favicon is drawn in the browser; a :material/...: one would be fetched from fonts.gstatic.com.
    st.set_page_config(page_title="Exchange Atlas", page_icon="🌐", layout="wide")
    pages = [st.Page(path, title=title, icon=icon, default=i == 0) for i, (path, title, icon) in enumerate(PAGES)]
    st.navigation(pages).run()


# Streamlit executes this file as __main__ on every rerun; importing it (tests, tools) draws nothing.
if __name__ == "__main__":
    run()
