"""Fetch and unpack one Debian package for its text: `apt-get download`, then `dpkg-deb -x`.

Nothing is installed on the system: the .deb lands in a temporary folder and is unpacked into the cache
(`<cache>/sources/<package>_<version>/`), which is then reused. A missing tool, an unknown package or a
failed download is a SourceError that names the package and the command to run; a half-unpacked folder
is never left behind (unpacking goes to a temporary name, renamed only when complete).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


class SourceError(RuntimeError):
    """A source package could not be had; the message says which and what to run."""


def _run(cmd: list[str], cwd: Path | None = None) -> str:
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise SourceError(f"`{cmd[0]}` is not on this machine: the model build needs Debian's apt-get and dpkg-deb "
                          "to fetch its pre-training text.") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"`{' '.join(cmd)}` took over 10 minutes; check the network to the package "
                          "archive.") from None
    if out.returncode != 0:
        raise SourceError(f"`{' '.join(cmd)}` failed ({out.returncode}): {out.stderr.strip()[-500:]}")
    return out.stdout


def unpack(package: str, root: Path) -> Path:
    """The folder holding `package` unpacked (fetched once, then read from `root`). Its name carries the
    version, so a newer package gives a new folder and a new text hash on the cards."""
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        try:
            _run(["apt-get", "download", package], cwd=Path(tmp))
        except SourceError as e:
            found = sorted(root.glob(f"{package}_*/.complete"))
            if found:  # offline, but unpacked before: use the newest copy we have
                return found[-1].parent
            raise SourceError(f"could not fetch the Debian package {package!r}: {e}. Run `apt-get update` once, "
                              f"then `make models` again (or `apt-get download {package}` to see the error).") from None
        debs = list(Path(tmp).glob("*.deb"))
        if len(debs) != 1:
            raise SourceError(f"`apt-get download {package}` gave {len(debs)} files, expected one .deb")
        version = _run(["dpkg-deb", "-f", str(debs[0]), "Version"]).strip()
        dest = root / f"{package}_{version.replace(':', '_')}"
        if (dest / ".complete").is_file():
            return dest
        part = Path(tmp) / "unpacked"
        _run(["dpkg-deb", "-x", str(debs[0]), str(part)])
        (part / ".complete").write_text(version, encoding="utf-8")
        shutil.rmtree(dest, ignore_errors=True)
        part.rename(dest)
    return dest


def version_of(folder: Path) -> str:
    """The package version recorded when `folder` was unpacked."""
    return (folder / ".complete").read_text(encoding="utf-8").strip()
