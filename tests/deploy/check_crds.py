#!/usr/bin/python3
"""The committed CRDs in deploy/k8s are what meshdex-crdgen makes of the
current .proto files.

  check_crds.py CRDGEN DESCRIPTOR_SET REPO_ROOT

Regenerates into a temporary directory and diffs; on a difference prints it
and how to update (cmake --build <build dir> --target update-crds).
"""

import difflib
import os
import subprocess
import sys
import tempfile


def main():
    crdgen, descriptor_set, root = sys.argv[1:4]
    committed_dir = os.path.join(root, "deploy/k8s")
    with tempfile.TemporaryDirectory() as out_dir:
        subprocess.run([crdgen, f"--descriptor_set={descriptor_set}", f"--out_dir={out_dir}"], check=True)
        generated = sorted(os.listdir(out_dir))
        if generated != ["crd-dataproducts.yaml", "crd-policies.yaml"]:
            print(f"FAIL: meshdex-crdgen wrote {generated}")
            return 1
        stale = 0
        for name in generated:
            fresh = open(os.path.join(out_dir, name), encoding="utf-8").read().splitlines(True)
            path = os.path.join(committed_dir, name)
            current = open(path, encoding="utf-8").read().splitlines(True) if os.path.exists(path) else []
            diff = list(difflib.unified_diff(current, fresh, f"deploy/k8s/{name}", "regenerated"))
            if diff:
                stale += 1
                sys.stdout.writelines(diff)
        if stale:
            print(f"FAIL: {stale} CRD file(s) differ from the .proto files; run "
                  "`cmake --build <build dir> --target update-crds` and commit the result")
            return 1
    print("deploy/k8s CRDs match proto/meshdex/v1/resources.proto")
    return 0


if __name__ == "__main__":
    sys.exit(main())
