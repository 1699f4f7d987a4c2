"""A TCP server on 127.0.0.1 that records the connections it accepts (for database-source tests).

`mode="silent"` accepts and never sends a byte (a server that waits for the client, like HTTP);
`mode="http"` answers whatever arrives with an HTTP 400 and closes. Connections are closed when the
server stops, so a client that waits for them is never left hanging past the test.
"""

from __future__ import annotations

import socket
import threading


class LoopbackServer:
    def __init__(self, mode: str = "silent") -> None:
        self.mode = mode
        self.accepted = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)
        for c in self._conns:
            c.close()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._conns.append(conn)
            if self.mode == "http":
                threading.Thread(target=self._answer_http, args=(conn,), daemon=True).start()

    @staticmethod
    def _answer_http(conn: socket.socket) -> None:
        conn.settimeout(2)
        try:
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]
