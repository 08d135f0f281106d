"""moto's server with one request at a time.

`moto_server` serves each request on its own thread, and moto's DynamoDB backend does not lock a
conditional write against another in flight, so two concurrent PutItem calls with
`attribute_not_exists` can both succeed. DynamoDB itself applies conditional writes to one item
atomically ("Conditional writes", DynamoDB Developer Guide), and the contract tests check exactly that.
This wrapper keeps moto's threaded HTTP server (keep-alive connections stay cheap) but runs the
application under one lock, so each request sees the state every earlier one left.

Usage: python3 test/deployed/moto-server.py HOST PORT
"""

import sys
import threading

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def serialized(app):
    lock = threading.Lock()

    def call(environ, start_response):
        with lock:
            # moto answers with a complete body; read it inside the lock as well.
            return list(app(environ, start_response))

    return call


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, serialized(app), threaded=True)


if __name__ == "__main__":
    main()
