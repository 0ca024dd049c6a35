"""The script Streamlit runs (``streamlit_app``), in a folder of its own: Streamlit takes a ``pages/`` folder beside
its main script for the old file-per-page app, and then runs ``pages/gaps.py`` itself (which only defines functions:
a blank page) for a browser whose first request is a page's address such as ``/gaps``. With no ``pages/`` here,
every address goes through the script's ``st.navigation``."""
