"""Data: the filtered events as a table, and downloads of exactly those rows.

Cells are shown literally (``st.dataframe`` does not interpret markdown or HTML).  Downloads carry the filter
state in their file name; the zip bundle adds the codebook and the filters as JSON.
"""

import streamlit as st

from app import data, downloads, ui

ds, f = ui.start("Data")
MAX_SHOWN = 5_000
# Downloads are built in memory; past this, narrow the filters or use the Parquet file behind the app.
MAX_DOWNLOAD = 1_000_000

total = data.count(ds, f)
shown = ui.display_frame(data.rows(ds, f, limit=MAX_SHOWN))
st.caption(f"{total:,} events" + (f"; the table shows the first {MAX_SHOWN:,} by date (downloads have all of them)."
                                  if total > MAX_SHOWN else "."))
if total == 0:
    ui.empty_state(f)
with st.container(key="events-table"):
    st.dataframe(shown, hide_index=True, width="stretch", height=520, column_config=ui.table_columns())

st.subheader("Download these rows")
cols = st.columns(4)
for col, (fmt, label, builder) in zip(cols, ui.download_formats(ds), strict=True):
    # A callable: the file is built only when the button is clicked (on its own thread), from all filtered rows.
    col.download_button(label, data=lambda b=builder: b(data.rows(ds, f), f), file_name=downloads.file_name(f, fmt),
                        mime=ui.MIME[fmt], on_click="ignore", key=f"download_{fmt}", disabled=not 0 < total <= MAX_DOWNLOAD,
                        width="stretch")
if total > MAX_DOWNLOAD:
    st.info(f"Downloads hold at most {MAX_DOWNLOAD:,} rows: narrow the filters.", icon=":material/filter_alt:")
st.caption("CSV and XLSX join list cells with ';'. Text cells that start with =, +, -, @, a tab or a carriage "
           "return get a leading ' so that spreadsheets show them instead of running them as formulas.")
