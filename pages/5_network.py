"""Network: organizations and counterpart countries joined by the events they share.

The layout is a spring layout with a fixed seed, so the same filters always draw the same picture.  Clicking a
node adds it to the organizations or the countries filter.
"""

import streamlit as st

from app import charts, data, ui

ds, f = ui.start("Network")

max_nodes = st.slider("Nodes (half organizations, half countries)", 10, 120, 60, step=10, key="network_nodes")
nodes, edges = data.network(ds, f, max_nodes=max_nodes)
fig = charts.network_figure(nodes, edges, reason=ui.empty_reason(f))
event = ui.show(fig, "network", key="network", select=True)
ui.apply_network_click(event)

if nodes.empty:
    ui.empty_state(f)
else:
    st.caption("Node size: events naming the organization or country. Edge width: events naming both. "
               "Click a node to filter on it.")
