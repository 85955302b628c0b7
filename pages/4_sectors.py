"""Sectors: sector → event type treemap, sector × region heatmap, most active organizations.

Clicking a treemap cell filters on its sector (and event type); clicking an organization's bar filters on it.
Streamlit 1.67 reports treemap clicks through ``on_select`` (the cell's ``id`` and ``parent``; older releases only
reported points of scatter-like and bar traces); tests/test_browser.py clicks a cell to keep that true.
"""

import streamlit as st

from app import charts, data, ui

ds, f = ui.start("Sectors")
reason = ui.empty_reason(f)

st.caption("Click a sector cell to filter on the sector, an event-type cell to filter on both.")
event = ui.show(charts.treemap(data.sector_type(ds, f), reason=reason), "sectors-treemap", key="treemap", select=True)
ui.apply_treemap_click(event)

ui.show(charts.heatmap(data.sector_region(ds, f), reason=reason,
                       x_title="Region (home side, else host's continent, else first counterpart's)"),
        "sectors-heatmap")

n = st.slider("Organizations shown", 5, 40, 15, key="sectors_orgs_n")
orgs = data.top_organizations(ds, f, n=n)
event = ui.show(charts.top_orgs_bar(orgs, n=n, reason=reason), "sectors-organizations", key="orgs", select=True)
ui.apply_clicks("organizations", ui.clicked_values(event))
st.caption("Click a bar to filter on that organization; bars are split by the events' primary sector.")
