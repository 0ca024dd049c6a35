"""orggraph 应用入口 / the Streamlit entry in a checkout (`streamlit run app.py`): the app itself is
``orggraph.app.entry.streamlit_app``, which ``orggraph serve`` runs from the installed package."""

from orggraph.app.entry.streamlit_app import main

main()
