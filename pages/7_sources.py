"""Sources and quality: events per source, rejected items by reason, date precision, items to review, and the
codebook that defines every column and code."""

import pandas as pd
import streamlit as st

from app import charts, data, ui
from etl import schema

ds, f = ui.start("Sources and quality")
reason = ui.empty_reason(f)

quality = data.source_quality(ds, f)
left, right = st.columns(2)
with left:
    ui.show(charts.count_bar(quality.head(30), "source", "events", "Events per source (top 30)", "Events (count)",
                             "Source file", reason=reason), "sources-events")
with right:
    ui.show(charts.precision_bar(data.precision_mix(ds, f), reason=reason), "sources-precision")

st.subheader("Per source")
if quality.empty:
    ui.empty_state(f)
else:
    st.dataframe(quality, hide_index=True, width="stretch", column_config={
        "source": st.column_config.TextColumn("Source"),
        "events": st.column_config.NumberColumn("Events"),
        "day": st.column_config.NumberColumn("Dated to the day"),
        "month": st.column_config.NumberColumn("Month only"),
        "year": st.column_config.NumberColumn("Year only"),
        "low_confidence": st.column_config.NumberColumn(f"Confidence < {data.LOW_CONFIDENCE}"),
    })

st.subheader("Rejected items")
rejects = ui.rejects(ds)
if rejects is None:
    st.info("No rejects file beside this dataset.", icon=":material/info:")
elif rejects.empty:
    st.success("Nothing was rejected when this dataset was built.", icon=":material/check_circle:")
else:
    by_reason = rejects.groupby("reason", as_index=False).size().rename(columns={"size": "items"})
    ui.show(charts.count_bar(by_reason, "reason", "items", "Rejected items by reason (whole dataset)",
                             "Items (count)", "Reason", color="#D55E00"), "sources-rejects")
    with st.expander(f"All {len(rejects):,} rejected items"):
        st.dataframe(rejects, hide_index=True, width="stretch")

st.subheader(f"Items to review (confidence < {data.LOW_CONFIDENCE})")
low = ui.low_confidence(ds, f)
if low.empty:
    st.success("No item in this view has low confidence.", icon=":material/check_circle:")
else:
    st.dataframe(low, hide_index=True, width="stretch", column_config=ui.table_columns())

st.subheader("Codebook")
st.caption("Every column of the event table, its type and the codes it allows.")
st.dataframe(schema.describe(), hide_index=True, width="stretch")
book = schema.codebook()
for vocab, title in (("sectors", "Sectors"), ("event_types", "Event types")):
    st.markdown(f"**{title}**")
    st.dataframe(pd.DataFrame(
        [{"code": code, "definition": entry.get("definition", ""), "examples": " · ".join(entry.get("examples", []))}
         for code, entry in book[vocab].items()]), hide_index=True, width="stretch")
