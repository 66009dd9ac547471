"""The målform of a Voila page's kernel, from the page's URL (``?sprak=nn``).

Its own small module, not in ``widgets/__init__.py``: in a kernel whose working directory is
``apps/`` the folder ``apps/widgets`` makes ``widgets`` a namespace package, so only its
submodules (such as this one) can be imported there. It imports nothing heavy (see
:func:`vent_pa_foresporsel`).
"""
from __future__ import annotations

import os

from fellesregler import sprak

__all__ = ["sprak_fra_voila", "vent_pa_foresporsel"]


def vent_pa_foresporsel() -> None:
    """In a preheated Voila kernel: wait until the page is asked for, then put the request's variables
    (``QUERY_STRING`` …) in ``os.environ``. Does nothing in any other process.

    What ``voila.utils.wait_for_request()`` does, without importing voila: that import pulls in
    Jupyter Server and costs the kernel 1–8 s, which the reader waited for on every preheated page.
    It asks the same websocket (``/voila/query/<kernel id>`` under Voila's server URL, from the
    same environment variables) and never goes through a proxy from the environment: Voila is local.
    If Voila cannot be reached, the kernel says so on its own stderr (in Voila's log, not on the
    page) and the page stays in bokmål.
    """
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    import json
    import sys

    from websockets.sync.client import connect

    server_url = os.environ.get("VOILA_SERVER_URL", "/")
    url = (f"{os.environ.get('VOILA_WS_PROTOCOL', 'ws')}://{os.environ.get('VOILA_APP_IP', '127.0.0.1')}"
           f":{os.environ.get('VOILA_APP_PORT', '8866')}{os.environ.get('VOILA_WS_BASE_URL', server_url)}"
           f"voila/query/{os.environ.get('VOILA_KERNEL_ID')}")
    try:
        with connect(url, open_timeout=5, proxy=None, compression=None, ping_interval=None) as ws:
            info = json.loads(ws.recv())
    except Exception as feil:  # noqa: BLE001 - any failure: bokmål, and say why on the kernel's stderr
        print(f"Fikk ikke kontakt med Voila på {url}: {feil!r}", file=sys.__stderr__, flush=True)
        return
    os.environ.update({str(k): str(v) for k, v in info.items()})


def sprak_fra_voila() -> str:
    """In a Voila kernel: use the målform the page's URL asks for (``?sprak=nn``); returns it.

    Voila gives a kernel the request's query string in ``QUERY_STRING``; a preheated kernel gets
    it only when the page is asked for (:func:`vent_pa_foresporsel` waits for it).
    """
    vent_pa_foresporsel()
    return sprak.bruk(sprak.fra_url(os.environ.get("QUERY_STRING")))
