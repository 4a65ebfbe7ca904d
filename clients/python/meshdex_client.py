"""meshdex_client: the gRPC stubs of meshdex (generated from proto/meshdex/v1
at build time into <build>/clients/python/generated) behind one connection.

    import meshdex_client
    client = meshdex_client.connect("127.0.0.1:50051", token=None, ca_file=None)
    product = client.catalog.GetProduct(
        client.catalog_pb2.GetProductRequest(urn="urn:dp:sales:orders"),
        timeout=5, metadata=client.metadata)

`token` is sent as `authorization: Bearer <token>` (client.metadata);
`ca_file` switches to TLS, verifying the server against those CA
certificates. Pass `timeout=` (seconds) on every call: it is the deadline.
"""

import grpc

from meshdex.v1 import admin_pb2, admin_pb2_grpc
from meshdex.v1 import catalog_pb2, catalog_pb2_grpc
from meshdex.v1 import governance_pb2, governance_pb2_grpc
from meshdex.v1 import lineage_pb2, lineage_pb2_grpc
from meshdex.v1 import resources_pb2
from meshdex.v1 import search_pb2, search_pb2_grpc


class Client:
    """Stubs of every meshdex service over one channel. Thread-safe (gRPC
    channels and stubs are)."""

    # The generated message modules, so callers need only this one import.
    admin_pb2 = admin_pb2
    catalog_pb2 = catalog_pb2
    governance_pb2 = governance_pb2
    lineage_pb2 = lineage_pb2
    resources_pb2 = resources_pb2
    search_pb2 = search_pb2

    def __init__(self, channel, token=None):
        self.channel = channel
        self.metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        self.search = search_pb2_grpc.SearchServiceStub(channel)
        self.lineage = lineage_pb2_grpc.LineageServiceStub(channel)
        self.governance = governance_pb2_grpc.GovernanceServiceStub(channel)
        self.admin = admin_pb2_grpc.AdminServiceStub(channel)

    def close(self):
        self.channel.close()


def connect(server, token=None, ca_file=None):
    """A Client for `server` (HOST:PORT): plaintext, or TLS with `ca_file`."""
    if ca_file:
        with open(ca_file, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        return Client(grpc.secure_channel(server, credentials), token)
    return Client(grpc.insecure_channel(server), token)
