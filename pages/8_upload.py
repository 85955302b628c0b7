"""Upload: read your own files with the same ETL as the bundled data, then explore them alone or merged with the
bundled sample.

Files are written only to a private temporary directory that is deleted as soon as they are parsed; nothing is
kept on the server's disk.  The same file uploaded twice (same bytes) is read once.
"""

import tempfile

import pandas as pd
import streamlit as st

from app import regions, state, ui

ds, f = ui.start("Upload")
max_mb = st.get_option("server.maxUploadSize")

st.markdown(
    f"Accepted: {', '.join('.' + t for t in ui.UPLOAD_TYPES)} — narrative bulletins (TXT, MD, HTML), tables "
    f"(CSV, TSV, XLSX, JSON, JSONL) and GDELT event exports (.csv/.tsv/.txt). **Up to {max_mb} MB per file.**"
)
files = st.file_uploader(f"Files (up to {max_mb} MB each)", type=list(ui.UPLOAD_TYPES), accept_multiple_files=True,
                         key="upload_files")
names = regions.country_names()
codes = sorted(names)
home = st.selectbox("Reporting side (its country is not counted as a counterpart)", codes,
                    index=codes.index("CHN") if "CHN" in codes else 0, key="upload_home",
                    format_func=lambda c: f"{c} — {names.get(c, c)}")

store = ui.stored_uploads()
if st.button("Read the files", type="primary", disabled=not files, key="upload_read"):
    with tempfile.TemporaryDirectory(prefix="exchange-atlas-upload-") as tmp:
        for upload in files:
            payload = upload.getvalue()
            digest = ui.content_hash(payload)
            name = ui.escape_md(upload.name)  # progress text is markdown; a file name must not be
            bar = st.progress(0.0, text=f"Reading {name}")
            if digest in store:
                bar.progress(1.0, text=f"{name}: already read (same content as {ui.escape_md(store[digest].name)})")
                continue
            store[digest] = ui.read_upload(upload.name, payload, home, tmp)
            bar.progress(1.0, text=f"{name}: done")

if store:
    st.subheader("Files read")
    summary = pd.DataFrame([{"file": r.name,
                             "read": r.rows_read if r.rows_read is not None else r.accepted + r.rejected,
                             "accepted": r.accepted, "rejected": r.rejected,
                             "events": 0 if r.events is None else len(r.events), "problem": r.error or ""}
                            for r in store.values()])
    st.dataframe(summary, hide_index=True, width="stretch", column_config={
        "read": st.column_config.NumberColumn("Read", help="Rows (tables) or items (text): accepted + rejected"),
        "events": st.column_config.NumberColumn(
            "Events", help="Events from the accepted rows: fewer when a table holds counts per country and year or "
                           "city links (no events), or when duplicate rows were merged"),
    })
    for r in store.values():
        if r.error:
            st.error(f"{ui.escape_md(r.name)}: {ui.escape_md(r.error)}", icon=":material/error:")
    rejects = [r.rejects for r in store.values() if r.rejects is not None and len(r.rejects)]
    if rejects:
        with st.expander("Rejected rows and items (file, row or offset, reason)"):
            st.dataframe(pd.concat(rejects, ignore_index=True), hide_index=True, width="stretch")

    events = [r.events for r in store.values() if r.events is not None and len(r.events)]
    total = sum(len(e) for e in events)
    label = "Upload: " + ", ".join(r.name for r in store.values())
    c1, c2, c3 = st.columns(3)
    if c1.button(f"Explore alone ({total:,} events)", disabled=not total, key="upload_alone"):
        state.set_upload(pd.concat(events, ignore_index=True), label[:120],
                         rejects=pd.concat(rejects, ignore_index=True) if rejects else None, merge=False)
        st.switch_page("pages/1_overview.py")
    if c2.button("Merge with the bundled sample", disabled=not total, key="upload_merge"):
        state.set_upload(pd.concat(events, ignore_index=True), label[:120],
                         rejects=pd.concat(rejects, ignore_index=True) if rejects else None, merge=True)
        st.switch_page("pages/1_overview.py")
    if c3.button("Forget these files", key="upload_clear"):
        store.clear()
        st.rerun()

if st.session_state.get(state.UPLOAD_KEY) is not None and st.button("Back to the bundled sample", key="upload_reset"):
    state.clear_upload()
    st.rerun()
