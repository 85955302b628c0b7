"""Overview: headline figures, a small map, a small timeline, the sector mix and the latest events."""

import streamlit as st

from app import charts, data, ui

ds, f = ui.start("Overview", "Who did what, with whom, where and when: people-to-people exchange events.")
head = data.headline(ds, f)

cols = st.columns(5)
cols[0].metric("Events", f"{head['events']:,}")
cols[1].metric("Counterpart countries", f"{head['countries']:,}")
cols[2].metric("Organizations", f"{head['organizations']:,}")
cols[3].metric("Participants", ui.participants_text(head["participants"]),
               help="Sum of the head-counts sources give: a lower bound (many events report none).")
cols[4].metric("Years", ui.year_span_text(head["first"], head["last"]),
               help=f"First and last day of the events: {ui.date_span_text(head['first'], head['last'])}")

if head["events"] == 0:
    ui.empty_state(f)
reason = ui.empty_reason(f)

left, right = st.columns([3, 2])
with left:
    fig = ui.figure(charts.choropleth, data.by_country(ds, f), geojson=ui.map_shapes(), measure="events",
                    reason=reason, height=420, title="Events per counterpart country")
    ui.show(fig, "overview-map")
with right:
    ui.show(ui.figure(charts.sector_bar, data.sector_type(ds, f), reason=reason), "overview-sectors")

ui.show(ui.figure(charts.timeline_bars, data.timeline(ds, f, freq="year", stack="sector"), "sector", "year",
                  reason=reason), "overview-timeline")

st.subheader("Latest events")
latest = ui.latest_events(ds, f, n=10)
if latest.empty:
    ui.empty_state(f)
else:
    st.dataframe(latest, hide_index=True, width="stretch", column_config=ui.table_columns())
