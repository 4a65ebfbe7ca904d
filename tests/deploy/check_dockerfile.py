#!/usr/bin/python3
"""Offline checks of deploy/Dockerfile (no docker engine needed).

  check_dockerfile.py REPO_ROOT BINARY...

- The build stage installs every build package of the Makefile's
  DEBIAN_PACKAGES (those not listed below as test-only / developer tools).
- Every shared library the BINARY(s) load (ldd) is shipped by a Debian
  package (dpkg -S) that the runtime stage installs, directly or through
  dependencies (dpkg-query), or that every bookworm-slim image has (Priority
  required / Essential).
- The runtime stage runs as a non-root user, has the meshdexd entrypoint, a
  /data volume, a health check, and exposes the ports the k8s manifests use.
Exit status 0 when all hold; each problem is printed.
"""

import os
import re
import subprocess
import sys

# DEBIAN_PACKAGES of the Makefile that the image build does not need: the
# sanitizer runtimes and what tests, fuzzing, the browser tests and the
# example clients run on (clang itself builds the image too).
NOT_NEEDED_FOR_THE_IMAGE = {
    "libclang-rt-dev", "libgtest-dev", "libgmock-dev", "python3-grpcio",
    "python3-grpc-tools", "python3-yaml", "openssl", "chromium",
}

PROBLEMS = []


def check(condition, message):
    if not condition:
        PROBLEMS.append(message)
        print("FAIL:", message)
    return condition


def makefile_packages(root):
    text = open(os.path.join(root, "Makefile"), encoding="utf-8").read()
    match = re.search(r"^DEBIAN_PACKAGES\s*:?=((?:.*\\\n)*.*)$", text, re.M)
    return set(match.group(1).replace("\\\n", " ").split())


def dockerfile_stages(root):
    """[(FROM line, [instructions])] with continuation lines joined."""
    text = open(os.path.join(root, "deploy/Dockerfile"), encoding="utf-8").read()
    lines = [l for l in text.replace("\\\n", " ").splitlines() if l.strip() and not l.lstrip().startswith("#")]
    stages = []
    for line in lines:
        if line.startswith("FROM "):
            stages.append((line, []))
        elif stages:
            stages[-1][1].append(line)
    return stages


def installed_by(instructions):
    packages = set()
    for line in instructions:
        for command in re.findall(r"apt-get install ([^&;]*)", line):
            packages |= {w for w in command.split() if not w.startswith("-")}
    return packages


def installed_packages():
    """{package: (depends text, priority, essential)} of the local dpkg database."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Depends}, ${Pre-Depends}\t"
         "${Priority}\t${Essential}\n"], capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in out.splitlines():
        name, status, depends, priority, essential = line.split("\t")
        if status.startswith("ii"):
            packages[name] = (depends, priority, essential)
    return packages


def dependency_closure(packages, installed):
    """The packages and everything they (pre-)depend on, per the local dpkg
    database (alternatives: every alternative that is installed)."""
    seen, todo = set(), list(packages)
    while todo:
        package = todo.pop().split(":")[0]
        if package in seen:
            continue
        seen.add(package)
        for clause in installed.get(package, ("",))[0].split(","):
            for alternative in clause.split("|"):
                name = alternative.strip().split(" ")[0].split(":")[0]
                if name in installed:
                    todo.append(name)
    return seen


def library_packages(binaries):
    """{library path: owning package} of what the binaries load."""
    paths = set()
    for binary in binaries:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
        paths |= set(re.findall(r"=>\s+(/\S+)", out))
    # A sanitizer build (make test-sanitize) also loads the sanitizer
    # runtimes; the image ships the Release build, which does not.
    paths = {path for path in paths
             if not re.search(r"/lib(asan|ubsan|lsan|tsan)\.so", path)}
    # dpkg knows a file by the path it was packaged under (/lib or /usr/lib,
    # before or after symlinks): ask for every spelling at once.
    spellings = {}
    for path in paths:
        for candidate in {path, os.path.realpath(path)}:
            for spelling in (candidate, re.sub(r"^/usr/lib/", "/lib/", candidate),
                             re.sub(r"^/lib/", "/usr/lib/", candidate)):
                spellings[spelling] = path
    out = subprocess.run(["dpkg", "-S", *sorted(spellings)], capture_output=True, text=True).stdout
    owners = {}
    for line in out.splitlines():
        package, _, file = line.partition(": ")
        if file in spellings:
            owners.setdefault(spellings[file], package.split(":")[0].split(",")[0].strip())
    for path in sorted(paths - set(owners)):
        check(False, f"{path} belongs to no Debian package")
    return owners


def base_image_packages(installed):
    """Packages every debian:bookworm-slim has: Essential or Priority required."""
    return {name for name, (_, priority, essential) in installed.items()
            if essential == "yes" or priority == "required"}


def main():
    root = os.path.abspath(sys.argv[1])
    binaries = sys.argv[2:]
    stages = dockerfile_stages(root)
    if not check(len(stages) == 2, f"want a build and a runtime stage, found {len(stages)}"):
        return 1
    (build_from, build), (runtime_from, runtime) = stages
    check("bookworm" in build_from, f"build stage: {build_from}")
    check("bookworm-slim" in runtime_from, f"runtime stage: {runtime_from}")

    wanted = makefile_packages(root) - NOT_NEEDED_FOR_THE_IMAGE
    missing = wanted - installed_by(build)
    check(not missing, f"build stage lacks Makefile packages {sorted(missing)} "
                       "(or add them to NOT_NEEDED_FOR_THE_IMAGE)")

    runtime_packages = installed_by(runtime)
    check(not any(p.endswith("-dev") for p in runtime_packages),
          f"runtime stage installs -dev packages: {sorted(runtime_packages)}")
    installed = installed_packages()
    for package in runtime_packages:
        check(package in installed or
              subprocess.run(["apt-cache", "show", package], capture_output=True).returncode == 0,
              f"runtime package {package} is not a Debian 12 package")
    available = dependency_closure(runtime_packages, installed) | base_image_packages(installed)
    owners = library_packages(binaries)
    for path, package in sorted(owners.items()):
        check(package in available, f"{path} ({package}) is not installed by the runtime stage")
    print(f"{len(owners)} shared libraries from {len(set(owners.values()))} packages checked "
          f"against the runtime stage's {sorted(runtime_packages)}")

    runtime_text = "\n".join(runtime)
    users = re.findall(r"^USER\s+(\S+)", runtime_text, re.M)
    check(users and users[-1] not in ("root", "0"), f"runtime USER {users}")
    check(re.search(r'^ENTRYPOINT\s+\["meshdexd"', runtime_text, re.M), "ENTRYPOINT is not meshdexd")
    check(re.search(r"^VOLUME\s+/data", runtime_text, re.M), "no VOLUME /data")
    check(re.search(r"^HEALTHCHECK\s", runtime_text, re.M), "no HEALTHCHECK")
    exposed = set(re.findall(r"\d+", " ".join(re.findall(r"^EXPOSE\s+(.*)$", runtime_text, re.M))))
    check({"50051", "8080"} <= exposed, f"EXPOSE {sorted(exposed)}")
    check("--insecure" not in runtime_text, "the image must not default to --insecure")
    if PROBLEMS:
        print(f"{len(PROBLEMS)} problem(s)")
        return 1
    print("deploy/Dockerfile OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
