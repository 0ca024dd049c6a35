"""The one place a page's failure meets the user (the app's script runs the sidebar and every page in it): a load in
progress is its message with the share written so far; an orggraph error (the graph server gone, a query refused)
is its message in the viewer's language, and so is a file the system refused (its path and why); anything else is
one sentence in words while its traceback goes to the server's log. Never a stack trace on a page. Streamlit's own
control flow (rerun, stop, switch page) derives from BaseException and passes through untouched."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from orggraph.app.pages.common import show_error, t
from orggraph.model.errors import FileAccessError, LoadInProgress, OrgGraphError

log = logging.getLogger("orggraph.app")


@contextmanager
def guarded() -> Iterator[None]:
    try:
        yield
    except LoadInProgress as exc:
        st.info(t(exc.zh, exc.en), icon="⏳")
    except OrgGraphError as exc:
        show_error(exc)
    except OSError as exc:  # the data folder not writable, a full disk: what the system said, named by its path
        log.warning("file access failed: %s", exc)
        show_error(FileAccessError.of(exc))
    except Exception:  # a defect of ours: said in words here, the traceback in the server's log
        log.exception("page failed")
        st.error(
            t(
                "页面出现意外错误,详情已记入服务器日志。请刷新页面重试;如仍出现,请联系系统管理员。",
                "The page met an unexpected error, logged on the server. Reload to retry; if it persists, tell the "
                "system's administrator.",
            )
        )
