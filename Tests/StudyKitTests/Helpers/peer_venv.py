"""Shared by the tests' Python peers (agreement, PPI, logistic): each runs with the system python3
and, when the packages it compares against are missing, re-runs itself inside the venv
.build/python-peer with scripts/python-requirements.txt installed (`make python-peers` makes it)."""
import importlib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VENV = os.path.join(ROOT, ".build", "python-peer")


def ensure_packages(script, modules):
    """Returns when every module imports; else re-executes `script` in the venv (once)."""
    try:
        for module in modules:
            importlib.import_module(module)
        return
    except ImportError:
        pass
    name = os.path.basename(script)
    if os.environ.get("PEER_IN_VENV"):
        sys.exit("%s: %s still missing inside %s" % (name, ", ".join(modules), VENV))
    python = os.path.join(VENV, "bin", "python3")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV], stdout=sys.stderr)
    subprocess.check_call([python, "-m", "pip", "install", "--quiet", "-r",
                           os.path.join(ROOT, "scripts", "python-requirements.txt")], stdout=sys.stderr)
    env = dict(os.environ, PEER_IN_VENV="1")
    os.execve(python, [python, os.path.abspath(script)] + sys.argv[1:], env)
