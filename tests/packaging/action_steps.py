"""Runs the shipped shell steps of the release workflow and of action.yml,
as GitHub would (bash -eo pipefail, the step's env, GITHUB_OUTPUT and
GITHUB_PATH files), against a release served from 127.0.0.1:

1. release.yml's "Archive and SHA-256" step packs a binary as the release
   does (fmlint-vX.Y.Z-<target>.tar.gz and its .sha256);
2. action.yml's "Resolve fmlint" step picks the mode, target and cache
   directory for several refs and runners;
3. its download step fetches that archive over HTTP, verifies the sum and
   unpacks the binary, which then runs; a tampered sum is refused.

Usage: python action_steps.py ROOT BINARY VERSION SCRATCH
Needs PyYAML (a dependency of pre-commit).
"""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import yaml


def step(steps, name):
    for s in steps:
        if s.get("name", "").startswith(name):
            return s
    raise SystemExit(f"no step named {name!r}")


def run_step(s, cwd, env, expect_ok=True):
    """Runs a `run:` step as GitHub's bash shell does; returns (code, output)."""
    script = Path(cwd) / ".step.sh"
    script.write_text(s["run"])
    full_env = dict(os.environ)
    full_env.update({k: str(v) for k, v in env.items()})
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd, env=full_env, capture_output=True, text=True,
    )
    output = proc.stdout + proc.stderr
    if expect_ok and proc.returncode != 0:
        print(output)
        raise SystemExit(f"step {s.get('name')!r} failed with {proc.returncode}")
    return proc.returncode, output


def outputs(path):
    result = {}
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition("=")
        result[key] = value
    return result


def main():
    root, binary, version, scratch = sys.argv[1:5]
    root, scratch = Path(root), Path(scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    release = yaml.safe_load((root / ".github/workflows/release.yml").read_text())
    action = yaml.safe_load((root / "action.yml").read_text())
    steps = action["runs"]["steps"]
    target = "x86_64-unknown-linux-musl"  # what the action downloads on Linux x64
    tag = f"v{version}"

    # 1. The release's archive step, in a scratch checkout.
    checkout = scratch / "checkout"
    (checkout / "target" / target / "dist").mkdir(parents=True)
    shutil.copy(binary, checkout / "target" / target / "dist" / "fmlint")
    shutil.copy(root / "README.md", checkout / "README.md")
    archive_step = step(release["jobs"]["build"]["steps"], "Archive and SHA-256")
    _, out = run_step(archive_step, checkout, {"TARGET": target, "VERSION": version})
    dist = checkout / "dist"
    name = f"fmlint-{tag}-{target}"
    files = sorted(p.name for p in dist.iterdir())
    assert files == [f"{name}.tar.gz", f"{name}.tar.gz.sha256"], files
    print(f"release archive step: {files}")

    # Serve it where a release would be: <repository>/releases/download/<tag>/.
    site = scratch / "site"
    download = site / "OWNER" / "fmlint" / "releases" / "download" / tag
    download.mkdir(parents=True)
    for f in dist.iterdir():
        shutil.copy(f, download / f.name)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    repository = f"http://127.0.0.1:{server.server_address[1]}/OWNER/fmlint"

    try:
        # 2. Resolve, for several refs and runners.
        resolve = step(steps, "Resolve fmlint")

        def resolved(version_input, action_ref, os_name="Linux", arch="X64"):
            out_file = scratch / "resolve-output"
            out_file.write_text("")
            run_step(resolve, scratch, {
                "FMLINT_VERSION": version_input, "FMLINT_ACTION_REF": action_ref,
                "FMLINT_REPOSITORY": repository, "FMLINT_TOOL_CACHE": scratch / "toolcache",
                "FMLINT_OS": os_name, "FMLINT_ARCH": arch, "GITHUB_OUTPUT": out_file,
            })
            return outputs(out_file)

        cases = [
            (("", tag), {"mode": "release", "ref": tag, "target": target, "ext": "tar.gz"}),
            ((tag, "main"), {"mode": "release", "ref": tag, "source": "git"}),
            (("", "main"), {"mode": "source", "source": "path", "ref": "main"}),
            (("", ""), {"mode": "source", "source": "path", "ref": ""}),
            (("0123abcd", tag), {"mode": "source", "source": "git", "ref": "0123abcd"}),
            (("", tag, "macOS", "ARM64"), {"mode": "release", "target": "aarch64-apple-darwin"}),
            (("", tag, "Windows", "X64"), {"mode": "release", "target": "x86_64-pc-windows-msvc", "ext": "zip"}),
            (("", tag, "Linux", "ARM64"), {"mode": "release", "target": "aarch64-unknown-linux-musl"}),
            (("", tag, "Windows", "ARM64"), {"mode": "source", "target": ""}),
        ]
        for args, expected in cases:
            got = resolved(*args)
            wrong = {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v}
            assert not wrong, f"resolve{args}: {wrong}"
        print(f"resolve step: {len(cases)} ref/runner cases as expected")

        # 3. Download, verify, unpack; then the PATH step.
        got = resolved("", tag)
        download_step = step(steps, "Download fmlint")
        env = {k: got[k] for k in ("ext", "repository", "dir")}
        env.update({"tag": got["ref"], "target": got["target"]})
        run_step(download_step, scratch, env)
        installed = Path(got["dir"]) / "fmlint"
        assert installed.is_file(), f"no {installed}"
        path_file = scratch / "github-path"
        path_file.write_text("")
        _, out = run_step(step(steps, "Put fmlint on PATH"), scratch,
                          {"dir": got["dir"], "GITHUB_PATH": path_file})
        assert path_file.read_text().strip() == got["dir"], path_file.read_text()
        assert out.startswith(f"fmlint {version} ("), out
        print(f"download step: verified, unpacked, runs: {out.strip()}")

        # A sum that does not match is refused, and nothing is installed.
        shutil.rmtree(got["dir"])
        sum_file = download / f"{name}.tar.gz.sha256"
        sum_file.write_text("0" * 64 + f"  {name}.tar.gz\n")
        code, out = run_step(download_step, scratch, env, expect_ok=False)
        assert code != 0 and "checksum mismatch" in out, (code, out)
        assert not Path(got["dir"]).exists()
        print("download step: a wrong SHA-256 is refused")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
