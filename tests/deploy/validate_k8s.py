#!/usr/bin/python3
"""Offline checks of the Kubernetes manifests in deploy/k8s.

  validate_k8s.py REPO_ROOT

Parses every *.yaml there and checks: kustomization.yaml lists exactly those
files; each object has apiVersion/kind/metadata.name; the StatefulSet, its
Services, ConfigMap, NetworkPolicy and PodDisruptionBudget agree with each
other and with how meshdexd must run (auth file from a Secret when listening on
0.0.0.0, never --insecure, native gRPC probes on the gRPC port, non-root,
read-only root file system, no privilege escalation, resources, a volume claim
for the data dir); the CRDs are structural, namespaced, meshdex.io/v1; and the
example descriptors (clients/examples, server/demo) validate against the CRD
schemas, while broken ones do not. Exit status 0 when everything holds; each
problem is printed.
"""

import copy
import glob
import os
import re
import shutil
import subprocess
import sys

import yaml

import openapi_check

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
PROBLEMS = []


def problem(message):
    PROBLEMS.append(message)
    print("FAIL:", message)


def check(condition, message):
    if not condition:
        problem(message)
    return condition


def load_manifests(k8s_dir):
    """{file name: [documents]} for every *.yaml in k8s_dir."""
    manifests = {}
    for path in sorted(glob.glob(os.path.join(k8s_dir, "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            manifests[os.path.basename(path)] = [d for d in yaml.safe_load_all(f) if d is not None]
    return manifests


def objects_of_kind(manifests, kind):
    return [doc for docs in manifests.values() for doc in docs if doc.get("kind") == kind]


def check_kustomization(manifests):
    kustomization = manifests.get("kustomization.yaml")
    if not check(kustomization, "deploy/k8s/kustomization.yaml is missing"):
        return
    listed = set(kustomization[0].get("resources", []))
    present = set(manifests) - {"kustomization.yaml"}
    check(listed == present,
          f"kustomization.yaml resources {sorted(listed)} != the *.yaml files {sorted(present)}")
    for name, docs in manifests.items():
        if name == "kustomization.yaml":
            continue
        check(docs, f"{name}: no documents")
        for doc in docs:
            where = f"{name}: {doc.get('kind')}"
            check(isinstance(doc.get("apiVersion"), str) and doc["apiVersion"], f"{where}: apiVersion")
            check(isinstance(doc.get("kind"), str) and doc["kind"], f"{name}: kind")
            check((doc.get("metadata") or {}).get("name"), f"{where}: metadata.name")


def check_kustomize_renders(manifests, k8s_dir):
    """When kubectl is installed, `kubectl kustomize` (offline) renders every object."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("kubectl not installed: kustomize rendering not checked")
        return
    result = subprocess.run([kubectl, "kustomize", k8s_dir], capture_output=True, text=True, timeout=60)
    if not check(result.returncode == 0, f"kubectl kustomize failed: {result.stderr.strip()}"):
        return
    rendered = [d for d in yaml.safe_load_all(result.stdout) if d]
    expected = sum(len(docs) for name, docs in manifests.items() if name != "kustomization.yaml")
    check(len(rendered) == expected, f"kubectl kustomize rendered {len(rendered)} objects, want {expected}")
    check(all(d.get("metadata", {}).get("namespace") == "meshdex" for d in rendered
              if d["kind"] not in ("Namespace", "CustomResourceDefinition")),
          "kustomize: every namespaced object goes to the meshdex namespace")


def parse_flags(text):
    """{flag name: value} of a --flagfile text ("--name=value" lines)."""
    flags = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.lstrip("-").partition("=")
        flags[name] = value
    return flags


def selector_matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def check_statefulset(manifests):
    sets = objects_of_kind(manifests, "StatefulSet")
    if not check(len(sets) == 1, f"want one StatefulSet, found {len(sets)}"):
        return
    sts = sets[0]
    spec = sts["spec"]
    pod = spec["template"]["spec"]
    pod_labels = spec["template"]["metadata"]["labels"]
    check(spec.get("replicas") == 1, "StatefulSet: replicas must be 1 (single-writer store)")
    check(selector_matches(spec["selector"]["matchLabels"], pod_labels),
          "StatefulSet: selector does not match the pod labels")
    containers = [c for c in pod["containers"] if c["name"] == "meshdexd"]
    if not check(len(containers) == 1, "StatefulSet: no meshdexd container"):
        return
    container = containers[0]
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    check(ports.get("grpc") == 50051 and ports.get("http") == 8080,
          f"StatefulSet: container ports {ports} (want grpc 50051, http 8080)")

    # Flags: from the ConfigMap through --flagfile.
    args = container.get("command", []) + container.get("args", [])
    flagfile = [a.split("=", 1)[1] for a in args if a.startswith("--flagfile=")]
    mounts = {m["mountPath"]: m for m in container.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    flags = {}
    if check(len(flagfile) == 1, "StatefulSet: meshdexd gets no --flagfile"):
        directory, key = os.path.split(flagfile[0])
        mount = mounts.get(directory)
        if check(mount, f"StatefulSet: nothing mounted at {directory}"):
            config_map_name = volumes[mount["name"]]["configMap"]["name"]
            maps = [m for m in objects_of_kind(manifests, "ConfigMap")
                    if m["metadata"]["name"] == config_map_name]
            if check(maps and key in maps[0].get("data", {}),
                     f"ConfigMap {config_map_name} has no key {key}"):
                flags = parse_flags(maps[0]["data"][key])
    for inline in args:
        if inline.startswith("--") and not inline.startswith("--flagfile="):
            flags.update(parse_flags(inline))
    check("insecure" not in flags, "meshdexd flags: --insecure must not be used")
    check(flags.get("grpc_listen") == f"0.0.0.0:{ports.get('grpc')}",
          f"meshdexd flags: --grpc_listen={flags.get('grpc_listen')} (want 0.0.0.0:50051)")
    check(flags.get("http_listen") == f"0.0.0.0:{ports.get('http')}",
          f"meshdexd flags: --http_listen={flags.get('http_listen')} (want 0.0.0.0:8080)")
    # Listening on 0.0.0.0 needs --auth_file, read from a Secret.
    auth_file = flags.get("auth_file", "")
    if check(auth_file, "meshdexd flags: no --auth_file (0.0.0.0 is refused without it)"):
        directory, key = os.path.split(auth_file)
        mount = mounts.get(directory)
        if check(mount, f"StatefulSet: nothing mounted at {directory} for --auth_file"):
            secret = volumes[mount["name"]].get("secret", {})
            check(secret.get("secretName") and not secret.get("optional"),
                  "the auth file must come from a required Secret")
            check(mount.get("readOnly"), "the auth Secret must be mounted read-only")
    tls_volumes = [v for v in volumes.values()
                   if v.get("secret", {}).get("secretName", "").endswith("tls")]
    check(tls_volumes, "StatefulSet: no TLS Secret volume")
    for tls_flag in ("tls_cert", "tls_key"):
        if tls_flag in flags:
            check(os.path.dirname(flags[tls_flag]) in mounts, f"--{tls_flag} path is not mounted")
    # The data dir is a volume claim of the StatefulSet.
    data_mount = mounts.get(flags.get("data_dir", ""))
    claims = {c["metadata"]["name"] for c in spec.get("volumeClaimTemplates", [])}
    check(data_mount and data_mount["name"] in claims,
          f"--data_dir={flags.get('data_dir')} is not a volumeClaimTemplate mount")

    # Probes: the native gRPC probe on the gRPC port; a startup probe long
    # enough for a reindex.
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        grpc = (container.get(probe) or {}).get("grpc", {})
        check(grpc.get("port") == ports.get("grpc"), f"{probe}: want grpc on port 50051, got {grpc}")
    readiness = (container.get("readinessProbe") or {}).get("grpc", {})
    check(readiness.get("service") == "meshdex.v1.SearchService",
          "readinessProbe: ask for meshdex.v1.SearchService (SERVING once the index caught up)")
    startup = container.get("startupProbe") or {}
    budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
    check(budget >= 600, f"startupProbe allows {budget}s; a reindex needs at least 600")

    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        check({"cpu", "memory"} <= set(resources.get(part, {})), f"resources.{part}: cpu and memory")

    security = container.get("securityContext", {})
    pod_security = pod.get("securityContext", {})
    check(security.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem must be true")
    check(security.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation must be false")
    check(security.get("runAsNonRoot") or pod_security.get("runAsNonRoot"), "runAsNonRoot")
    check(pod_security.get("runAsUser", 0) != 0, "runAsUser must not be 0")
    check("ALL" in security.get("capabilities", {}).get("drop", []), "capabilities: drop ALL")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    check(int(flags.get("shutdown_grace_seconds", 10)) < grace,
          "terminationGracePeriodSeconds must exceed --shutdown_grace_seconds")

    services = {s["metadata"]["name"]: s for s in objects_of_kind(manifests, "Service")}
    governing = services.get(spec.get("serviceName"))
    if check(governing, f"StatefulSet serviceName {spec.get('serviceName')} is not a Service"):
        check(governing["spec"].get("clusterIP") == "None", "the governing Service must be headless")
    for service in services.values():
        if not selector_matches(service["spec"]["selector"], pod_labels):
            continue  # another workload's Service (checked by check_workloads)
        name = service["metadata"]["name"]
        service_ports = {p["name"]: p["port"] for p in service["spec"]["ports"]}
        check(service_ports.get("grpc") == 50051 and service_ports.get("http") == 8080,
              f"Service {name}: ports {service_ports}")
    check("meshdex" in services and services["meshdex"]["spec"].get("clusterIP") != "None",
          "a ClusterIP Service named meshdex")

    for policy in objects_of_kind(manifests, "NetworkPolicy"):
        check(selector_matches(policy["spec"]["podSelector"].get("matchLabels"), pod_labels),
              "NetworkPolicy: podSelector does not select meshdexd")
        allowed = {p["port"] for rule in policy["spec"].get("ingress", []) for p in rule.get("ports", [])}
        check({50051, 8080} <= allowed, f"NetworkPolicy: ingress ports {allowed}")
    check(objects_of_kind(manifests, "NetworkPolicy"), "no NetworkPolicy")
    budgets = objects_of_kind(manifests, "PodDisruptionBudget")
    check(budgets, "no PodDisruptionBudget")
    for budget_object in budgets:
        check(selector_matches(budget_object["spec"]["selector"]["matchLabels"], pod_labels),
              "PodDisruptionBudget: selector does not select meshdexd")
    return flags


def check_workloads(manifests):
    """Every workload (StatefulSet, Deployment) of any file: hardened, sized,
    probed containers; every Service selects one of them, on ports they have."""
    templates = []
    for kind in ("StatefulSet", "Deployment", "DaemonSet"):
        for workload in objects_of_kind(manifests, kind):
            where = f"{kind} {workload['metadata']['name']}"
            template = workload["spec"]["template"]
            check(selector_matches(workload["spec"]["selector"]["matchLabels"],
                                   template["metadata"]["labels"]), f"{where}: selector/labels")
            pod = template["spec"]
            pod_security = pod.get("securityContext", {})
            check(pod_security.get("runAsUser", 0) != 0, f"{where}: runAsUser must not be 0")
            for container in pod["containers"]:
                at = f"{where} container {container['name']}"
                security = container.get("securityContext", {})
                check(security.get("readOnlyRootFilesystem") is True, f"{at}: readOnlyRootFilesystem")
                check(security.get("allowPrivilegeEscalation") is False, f"{at}: allowPrivilegeEscalation")
                check(security.get("runAsNonRoot") or pod_security.get("runAsNonRoot"), f"{at}: runAsNonRoot")
                resources = container.get("resources", {})
                for part in ("requests", "limits"):
                    check({"cpu", "memory"} <= set(resources.get(part, {})), f"{at}: resources.{part}")
                for probe in ("readinessProbe", "livenessProbe"):
                    check(container.get(probe), f"{at}: no {probe}")
            templates.append(template)
    for service in objects_of_kind(manifests, "Service"):
        name = service["metadata"]["name"]
        selected = [t for t in templates if selector_matches(service["spec"]["selector"], t["metadata"]["labels"])]
        if not check(selected, f"Service {name}: selects no workload's pods"):
            continue
        ports = {}
        for container in selected[0]["spec"]["containers"]:
            ports.update({p["name"]: p["containerPort"] for p in container.get("ports", [])})
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            check(target in ports or target in ports.values(), f"Service {name}: targetPort {target}")


def crd_schemas(manifests):
    """{kind: openAPIV3Schema} of the meshdex CRDs, after checking them."""
    schemas = {}
    for crd in objects_of_kind(manifests, "CustomResourceDefinition"):
        spec = crd["spec"]
        kind = spec["names"]["kind"]
        check(spec.get("group") == "meshdex.io", f"CRD {kind}: group {spec.get('group')}")
        check(spec.get("scope") == "Namespaced", f"CRD {kind}: scope {spec.get('scope')}")
        check(crd["metadata"]["name"] == f"{spec['names']['plural']}.meshdex.io",
              f"CRD {kind}: metadata.name must be <plural>.<group>")
        versions = {v["name"]: v for v in spec["versions"]}
        v1 = versions.get("v1")
        if not check(v1 and v1.get("served") and v1.get("storage"), f"CRD {kind}: v1 served+storage"):
            continue
        schema = v1["schema"]["openAPIV3Schema"]
        for message in openapi_check.structural_problems(schema):
            problem(f"CRD {kind}: {message}")
        check(set(schema["properties"]["metadata"]) == {"type"},
              f"CRD {kind}: metadata may only be typed (the API server owns it)")
        schemas[kind] = schema
    check(set(schemas) == {"DataProduct", "Policy"}, f"CRDs for {sorted(schemas)}")
    return schemas


def metadata_problems(doc):
    """meshdex's own metadata rules, which the CRD cannot express."""
    metadata = doc.get("metadata") or {}
    problems = []
    if not NAME_PATTERN.match(str(metadata.get("name", ""))):
        problems.append(f"metadata.name {metadata.get('name')!r}")
    domain = metadata.get("domain", metadata.get("namespace"))
    if doc.get("kind") == "DataProduct" and not NAME_PATTERN.match(str(domain or "")):
        problems.append(f"metadata.domain/namespace {domain!r}")
    return problems


def check_documents(schemas, root):
    paths = sorted(glob.glob(os.path.join(root, "clients/examples/*.yaml")) +
                   glob.glob(os.path.join(root, "server/demo/*.yaml")))
    checked = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not doc or doc.get("kind") not in schemas:
                    continue
                checked += 1
                where = os.path.relpath(path, root)
                check(doc.get("apiVersion") == "meshdex.io/v1", f"{where}: apiVersion")
                for message in openapi_check.validate(doc, schemas[doc["kind"]]):
                    problem(f"{where}: {message}")
                for message in metadata_problems(doc):
                    problem(f"{where}: {message}")
    check(checked >= 10, f"only {checked} example documents found")
    return checked


def check_validator_rejects(schemas, root):
    """The validator is not vacuous: broken copies of an example fail."""
    with open(os.path.join(root, "clients/examples/shipment-tracking.yaml"), encoding="utf-8") as f:
        product = yaml.safe_load(f)
    breakages = {
        "unknown field": lambda d: d["spec"]["outputPorts"][0].update(adress="kafka://x:1/t"),
        "wrong type": lambda d: d["spec"].update(tags="not-a-list"),
        "int64 as text": lambda d: d["spec"]["outputPorts"][0].update(slo={"freshnessSeconds": "soon"}),
        "spec missing": lambda d: d.pop("spec"),
    }
    for what, breakage in breakages.items():
        broken = copy.deepcopy(product)
        breakage(broken)
        check(openapi_check.validate(broken, schemas["DataProduct"]),
              f"validator accepted a descriptor with {what}")


def main():
    root = os.path.abspath(sys.argv[1])
    manifests = load_manifests(os.path.join(root, "deploy/k8s"))
    check_kustomization(manifests)
    check_kustomize_renders(manifests, os.path.join(root, "deploy/k8s"))
    check_statefulset(manifests)
    check_workloads(manifests)
    schemas = crd_schemas(manifests)
    if {"DataProduct", "Policy"} <= set(schemas):
        count = check_documents(schemas, root)
        check_validator_rejects(schemas, root)
        print(f"{count} example documents validate against the CRDs")
    if PROBLEMS:
        print(f"{len(PROBLEMS)} problem(s)")
        return 1
    print(f"deploy/k8s: {sum(len(d) for d in manifests.values())} objects in "
          f"{len(manifests)} files OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
