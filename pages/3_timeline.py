"""Timeline: events per period stacked by sector, event type or region, and an animated map over time."""

import streamlit as st

from app import charts, data, ui

MAX_FRAMES = 150

ds, f = ui.start("Timeline")
reason = ui.empty_reason(f)

c1, c2 = st.columns(2)
freq = c1.radio("Period", data.FREQS, index=1, horizontal=True, key="timeline_freq")
stack = c2.radio("Stack by", data.STACKS, horizontal=True, key="timeline_stack",
                 format_func=lambda s: charts.STACK_LABELS[s])

ui.show(charts.timeline_bars(data.timeline(ds, f, freq=freq, stack=stack), stack, freq, reason=reason), "timeline")
st.caption(ui.escape_md(ui.precision_note(data.precision_mix(ds, f))))

st.subheader("Counterpart countries over time")
anim_freq = st.radio("Animation step", ("year", "quarter", "month"), horizontal=True, key="timeline_anim_freq",
                     help="Press ▶ Play under the map, or drag the slider.")
periods = data.country_periods(ds, f, freq=anim_freq)
# Each frame redraws the whole map; past a few hundred frames the figure gets slow to send and to play.
if periods["period"].nunique() > MAX_FRAMES:
    st.caption(f"More than {MAX_FRAMES} {anim_freq}s: the animation steps by year instead.")
    anim_freq = "year"
    periods = data.country_periods(ds, f, freq=anim_freq)
ui.show(charts.animated_map(periods, geojson=ui.map_shapes(), reason=reason, freq=anim_freq), "timeline-animated-map")
