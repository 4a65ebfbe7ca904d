#!/usr/bin/python3
"""meshdex from Python: register a data product, record one lineage run
feeding it, find it with search (read-your-writes through min_sequence) and
walk its upstream lineage. Prints the URNs and node ids it sees.

    PYTHONPATH=<build>/clients/python/generated:clients/python \\
      /usr/bin/python3 clients/python/example.py --server 127.0.0.1:50051 [--token T]
"""

import argparse
import datetime
import json
import sys
import uuid

import grpc
from google.protobuf import json_format

import meshdex_client

BROKER = "kafka://broker.example:9092"
PRODUCT = {
    "apiVersion": "meshdex.io/v1",
    "kind": "DataProduct",
    "metadata": {"domain": "examples", "name": "parcel-events"},
    "spec": {
        "title": "Parcel events (client example)",
        "description": "Every parcel scan, registered by the meshdex client examples.",
        "owner": {"team": "examples", "email": "examples@example.com"},
        "version": "1.0.0",
        "lifecycle": "experimental",
        "tags": ["example", "parcels"],
        "outputPorts": [{"name": "events", "kind": "kafka", "address": f"{BROKER}/examples.parcels.v1"}],
        "inputPorts": [{"name": "scans", "kind": "kafka", "address": f"{BROKER}/examples.scans.v1"}],
    },
}


def lineage_event():
    """An OpenLineage RunEvent: job examples/parcel-builder read the scans
    topic and wrote the product's events topic."""
    return {
        "eventType": "COMPLETE",
        "eventTime": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "producer": "https://example.com/meshdex-client-examples",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent",
        "run": {"runId": str(uuid.uuid4())},
        "job": {"namespace": "examples", "name": "parcel-builder"},
        "inputs": [{"namespace": BROKER, "name": "examples.scans.v1"}],
        "outputs": [{"namespace": BROKER, "name": "examples.parcels.v1"}],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:50051", help="meshdexd gRPC address HOST:PORT")
    parser.add_argument("--token", help="bearer token (when the server has an auth file)")
    parser.add_argument("--tls_ca", help="CA certificates (PEM): connect over TLS")
    parser.add_argument("--timeout", type=float, default=10, help="deadline of each call, seconds")
    args = parser.parse_args()

    client = meshdex_client.connect(args.server, token=args.token, ca_file=args.tls_ca)
    call = {"timeout": args.timeout, "metadata": client.metadata}
    try:
        product = json_format.ParseDict(PRODUCT, client.resources_pb2.DataProduct())
        applied = client.catalog.ApplyProduct(
            client.catalog_pb2.ApplyProductRequest(product=product), **call)
        urn = applied.product.metadata.urn
        print(f"applied {urn} revision {applied.product.metadata.revision} "
              f"({client.catalog_pb2.ApplyOutcome.Name(applied.outcome)})")

        ingested = client.lineage.IngestEvent(
            client.lineage_pb2.IngestEventRequest(event_json=json.dumps(lineage_event())), **call)

        # Wait (server-side, bounded) until the index has both writes; the
        # domain as a structured filter (no query syntax to build or quote).
        found = client.search.Search(client.search_pb2.SearchRequest(
            query="parcel events", min_sequence=max(applied.sequence, ingested.sequence),
            filters=[client.search_pb2.SearchFilter(field="domain", value="examples")]), **call)
        for hit in found.hits:
            print(f"search hit {hit.urn} ({hit.type})")

        graph = client.lineage.GetLineage(client.lineage_pb2.GetLineageRequest(
            node_id=urn, direction=client.lineage_pb2.GetLineageRequest.UPSTREAM, depth=3,
            level=client.lineage_pb2.GetLineageRequest.DATASET), **call)
        for node in graph.nodes:
            print(f"lineage node {node.id}")
    except grpc.RpcError as error:
        print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
