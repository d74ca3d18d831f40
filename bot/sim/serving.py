"""A local HTTP server on a thread of its own, stopped at once.

``socketserver``'s ``shutdown()`` only sets a flag that ``serve_forever`` reads when its
``select`` returns: with nothing arriving that is a whole poll interval, paid by every test that
starts a server. A connection to the server's own port wakes the loop to read the flag now.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading

# How long serve_forever waits in select when nothing arrives; stop() does not wait for it.
_POLL_SECONDS = 0.25


def serve_in_thread(server: socketserver.BaseServer, *, name: str) -> threading.Thread:
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": _POLL_SECONDS},
        name=name,
        daemon=True,
    )
    thread.start()
    return thread


def stop_serving(server: socketserver.TCPServer, thread: threading.Thread) -> None:
    """Stop accepting, without waiting for the poll interval; requests under way go on."""
    stopper = threading.Thread(target=server.shutdown, name=f"{thread.name}-stop", daemon=True)
    stopper.start()
    host, port = server.server_address[:2]
    assert isinstance(host, str), "a TCP server's address is (host, port)"
    while stopper.is_alive():
        # A wake-up that lands before the flag is set is served as an empty request (closed
        # unanswered); the next one comes 2 ms later.
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            pass
        stopper.join(0.002)
    thread.join()
