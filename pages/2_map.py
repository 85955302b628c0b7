"""Map: events or participants per counterpart country, host cities and flows from the home side.

Click a country (or a small-state point, or a city bubble) to add its country to the filters.
"""

import streamlit as st

from app import charts, data, filters, ui

ds, f = ui.start("Map")

c1, c2, c3 = st.columns([2, 1, 1])
measure = c1.radio("Colour countries by", data.MEASURES, horizontal=True, key="map_measure",
                   format_func=lambda m: "Events" if m == "events" else "Participants (lower bound)")
show_cities = c2.toggle("Host cities", value=True, key="map_cities")
show_flows = c3.toggle("Flows from home", value=True, key="map_flows")

territory = filters.TERRITORY_LABELS.get(f.territory, f.territory)
note = (" Participants sum the head-counts sources give (a lower bound); countries whose events give none are grey."
        if measure == "participants" else "")
st.caption(ui.escape_md(f"Territories: {territory} (change it in the sidebar). Countries without events are grey; "
                        "small states and territories are also drawn as points. Click a country to filter on it."
                        + note))

by_country = data.by_country(ds, f, measure=measure)
fig = charts.combined_map(
    by_country,
    data.by_city(ds, f) if show_cities else None,
    data.flows(ds, f) if show_flows else None,
    geojson=ui.map_shapes(), measure=measure, reason=ui.empty_reason(f),
)
event = ui.show(fig, "map", key="map", select=True)
ui.apply_clicks("countries", ui.clicked_countries(event))

if by_country.empty:
    ui.empty_state(f)
else:
    with st.expander("Countries in this view", expanded=False):
        st.dataframe(by_country.rename(columns={"value": charts.MEASURE_LABELS[measure]}), hide_index=True,
                     width="stretch")
