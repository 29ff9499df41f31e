"""A real gRPC server (grpcio) implementing the Diagnostics service, for a Vectron client to call.

Usage: interop_server.py STUBS_DIR
Listens on a free loopback port, prints "PORT <n>" and serves until stdin closes.
Echo: a reply with the request's text and payload; fail_with_code ends the call with that status, the request's
text as details and the trailing metadata retry-after-ms: 250; delay_ms waits first (ending early if the call ends).
EchoStream: `repeat` replies.
"""
import sys
import time
from concurrent import futures

import grpc

sys.path.insert(0, sys.argv[1])
from vectron.internal import diagnostics_pb2 as pb  # noqa: E402
from vectron.internal import diagnostics_pb2_grpc as pb_grpc  # noqa: E402


class Diagnostics(pb_grpc.DiagnosticsServicer):
    def Echo(self, request, context):
        deadline = time.monotonic() + request.delay_ms / 1000.0
        while time.monotonic() < deadline and context.is_active():
            time.sleep(0.01)
        if request.fail_with_code:
            code = next(c for c in grpc.StatusCode if c.value[0] == request.fail_with_code)
            context.set_trailing_metadata((("retry-after-ms", "250"),))
            context.abort(code, request.text)
        return pb.EchoReply(text=request.text, payload=request.payload, received_bytes=request.ByteSize())

    def EchoStream(self, request, context):
        for i in range(max(1, request.repeat)):
            yield pb.EchoReply(text=request.text, payload=request.payload, sequence=i)


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pb_grpc.add_DiagnosticsServicer_to_server(Diagnostics(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    sys.stdin.read()
    server.stop(grace=None)


if __name__ == "__main__":
    main()
