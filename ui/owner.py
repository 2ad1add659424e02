"""The browser's secret: what makes a run token in the URL this browser's own (core.runtime.sessions.owns).

The secret lives in a cookie, `atlas_owner`, which the browser sends with the request that opens each
session (Streamlit exposes it as `st.context.cookies`); it never goes into a URL, a link or a lesson.
Streamlit has no API to set a cookie, so a session that found none makes a secret and writes it with a
one-line script in the sidebar (SameSite=Strict, path /, a year); the session keeps its copy in
`st.session_state`, so the tab works at once and a reload, a second tab or a restarted server reads the
cookie. A browser that refuses the cookie still trains; only its reload no longer finds the training.

Not HttpOnly (a script sets it): the page renders no user-supplied markup (ui/safe.py), which is what
keeps other scripts from reading it.
"""
from __future__ import annotations

import streamlit as st

from core.runtime.sessions import new_secret, valid_secret

COOKIE = "atlas_owner"
KEY = "_atlas_owner_secret"  # the session's copy
MADE_KEY = "_atlas_owner_made"  # this session made the secret: its browser still needs the cookie
MAX_AGE_S = 365 * 24 * 3600

_SCRIPT = """<script>
document.cookie = "{name}={value}; path=/; max-age={age}; SameSite=Strict" +
    (location.protocol === "https:" ? "; Secure" : "");
</script>"""


def secret() -> str:
    """This browser's secret: the session's, else the cookie's, else a new one (written by `install`)."""
    value = st.session_state.get(KEY)
    if valid_secret(value):
        return value
    value = st.context.cookies.get(COOKIE)
    if not valid_secret(value):
        value = new_secret()
        st.session_state[MADE_KEY] = True
    st.session_state[KEY] = value
    return value


def install() -> None:
    """Every run (in the sidebar): make sure of the secret, and write its cookie if this session made it."""
    value = secret()
    if st.session_state.get(MADE_KEY):
        assert valid_secret(value)  # URL-safe characters only: nothing to escape in the script
        st.html(_SCRIPT.format(name=COOKIE, value=value, age=MAX_AGE_S), unsafe_allow_javascript=True)
