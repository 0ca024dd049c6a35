"""The Streamlit app: pages (layout and widgets), the session, the server that serves it."""
