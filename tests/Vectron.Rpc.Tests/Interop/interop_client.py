"""A real gRPC client (grpcio) calling a Vectron server's Diagnostics service.

Usage: interop_client.py STUBS_DIR HOST:PORT
Prints one JSON object with what each call returned; the C# test (PythonInteropTests) asserts on it.
"""
import json
import sys

import grpc

sys.path.insert(0, sys.argv[1])
from vectron.internal import diagnostics_pb2 as pb  # noqa: E402
from vectron.internal import diagnostics_pb2_grpc as pb_grpc  # noqa: E402


def status_of(call):
    """Runs a call that is expected to fail; returns its status code name and details."""
    try:
        call()
    except grpc.RpcError as error:
        return {"code": error.code().name, "details": error.details()}
    return {"code": "OK", "details": None}


def main():
    result = {}
    with grpc.insecure_channel(sys.argv[2]) as channel:
        stub = pb_grpc.DiagnosticsStub(channel)

        reply = stub.Echo(pb.EchoRequest(text="hello from python", payload=bytes(range(256))), timeout=30)
        result["echo"] = {"text": reply.text, "payload_ok": reply.payload == bytes(range(256)),
                          "received_bytes": reply.received_bytes}

        stream = stub.EchoStream(pb.EchoRequest(text="s", repeat=5), timeout=30)
        result["echo_stream"] = [[r.sequence, r.text] for r in stream]

        chat = stub.Chat(iter([pb.EchoRequest(text="c%d" % i) for i in range(3)]), timeout=30)
        result["chat"] = [[r.sequence, r.text] for r in chat]

        summary = stub.Collect(iter([pb.EchoRequest(text="m%d" % i, payload=b"x" * 10) for i in range(4)]), timeout=30)
        result["collect"] = {"count": summary.sequence, "bytes": summary.received_bytes, "last": summary.text}

        result["error"] = status_of(lambda: stub.Echo(
            pb.EchoRequest(text="épée: no such point 100%", fail_with_code=5), timeout=30))

        result["deadline"] = status_of(lambda: stub.Echo(pb.EchoRequest(text="slow", delay_ms=10000), timeout=0.3))

        # The channel still works after the failed calls.
        result["after"] = stub.Echo(pb.EchoRequest(text="still here"), timeout=30).text
    print(json.dumps(result))


if __name__ == "__main__":
    main()
