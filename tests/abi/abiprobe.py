#!/usr/bin/env python3
"""Measure C layouts and constants as a clang target sees them, without
running any target code.

An *item* is one fact about a header set:

    size T            sizeof(T)
    align T           _Alignof(T)
    off T A.B.C       offsetof(T, A.B.C)
    const NAME        the value of an integer constant (enumerator or macro)
    sign NAME         1 when that constant's type is signed, 0 when unsigned
                      (const reads every value as unsigned long long, so
                      (NTSTATUS)0x103 and 0x103u are the same value there)

measure() compiles one `const unsigned long long nk_v<N> = (EXPR);` per item
to LLVM IR for the requested --target and reads the initialisers back.  An
item clang rejects (an undeclared member, type or name) is *not declared*:
those lines are found from clang's diagnostics and the rest is compiled again
without them.  An item that compiles but is no integer constant (a string
macro cast to an integer is an address) is not declared either.

layout_items() lists the items that describe some record types: their size,
alignment and the offset of every named member at every depth (through
anonymous members and into embedded records, not into arrays; bit-fields
have no offset).  It reads clang's -fdump-record-layouts output for one
wrapper record per type.

Command line (a table is `<item> = <value>` per line, value MISSING when the
headers do not declare the item):

    abiprobe.py items   --prelude P.h --types T1,T2 -- CLANG_ARGS...
    abiprobe.py measure --prelude P.h --items FILE  -- CLANG_ARGS...

CLANG (environment) or --clang selects the compiler; default clang-19.
"""
import argparse, os, re, subprocess, sys, tempfile

MAX_ROUNDS = 20


class ProbeError(Exception):
    pass


def _compile(clang, args, prelude, body, mode):
    """Compile `#include "prelude"` + body; returns (rc, stdout, stderr,
    output file text or None, name of the source file)."""
    with tempfile.TemporaryDirectory() as td:
        src = os.path.join(td, "nkprobe.c")
        with open(src, "w") as f:
            f.write(f'#include "{os.path.abspath(prelude)}"\n')
            f.write(body)
        out = os.path.join(td, "nkprobe.out")
        p = subprocess.run([clang, *args, *mode, src, "-o", out],
                           capture_output=True, text=True)
        text = None
        if p.returncode == 0 and os.path.exists(out):
            with open(out) as f:
                text = f.read()
        return p.returncode, p.stdout, p.stderr, text, "nkprobe.c"


def expression(item):
    kind, _, rest = item.partition(" ")
    if kind == "size":
        return f"sizeof({rest})"
    if kind == "align":
        return f"_Alignof({rest})"
    if kind == "off":
        typ, _, path = rest.partition(" ")
        return f"__builtin_offsetof({typ}, {path})"
    if kind == "const":
        return f"(unsigned long long)({rest})"
    if kind == "sign":
        # __typeof__ of an integer constant expression; (T)-1 < (T)0 holds
        # for exactly the signed integer types.
        return f"(unsigned long long)((__typeof__({rest}))-1 < (__typeof__({rest}))0)"
    raise ProbeError(f"not an item: {item!r}")


def measure(clang, prelude, items, args):
    """{item: int value, or None when the headers do not declare it}."""
    exprs = [expression(it) for it in items]
    live = list(range(len(items)))
    for _ in range(MAX_ROUNDS):
        # Line 1 is the #include; item live[k] is on line k + 2.
        body = "".join(f"const unsigned long long nk_v{i} = ({exprs[i]});\n" for i in live)
        rc, _, err, ir, name = _compile(clang, args, prelude, body,
                                        ["-S", "-emit-llvm", "-w", "-ferror-limit=0"])
        if rc == 0:
            got = {}
            for m in re.finditer(r"^@nk_v(\d+) = [^\n]*?\bconstant i64 (-?\d+), align", ir, re.M):
                got[int(m.group(1))] = int(m.group(2)) & 0xFFFFFFFFFFFFFFFF
            return {items[i]: got.get(i) for i in range(len(items))}
        rejected = set()
        for m in re.finditer(rf"(?:^|/){re.escape(name)}:(\d+):\d+: error", err, re.M):
            line = int(m.group(1))
            if 2 <= line < 2 + len(live):
                rejected.add(live[line - 2])
        if not rejected:
            raise ProbeError("the prelude or the headers do not compile:\n" + err[-6000:])
        live = [i for i in live if i not in rejected]
    raise ProbeError(f"items still rejected after {MAX_ROUNDS} rounds")


_LAYOUT_LINE = re.compile(r"^\s*(\S*) \|( *)(.*?)\s*$")


def layout_items(clang, prelude, types, args):
    """size/align/off items for each of `types` (typedef or `struct tag`
    names), in declaration order of their members."""
    body = ""
    for i, t in enumerate(types):
        body += f"struct nk_wrap_{i} {{ {t} nk_member; }};\n"
        body += f"typedef char nk_need_{i}[sizeof(struct nk_wrap_{i})];\n"
    rc, out, err, _, _ = _compile(clang, args, prelude, body,
                                  ["-fsyntax-only", "-Xclang", "-fdump-record-layouts"])
    if rc != 0:
        raise ProbeError("the record types do not compile:\n" + err[-6000:])
    blocks = {}
    for blk in out.split("*** Dumping AST Record Layout"):
        m = re.search(r"^\s*0 \| struct nk_wrap_(\d+)$", blk, re.M)
        if m:
            blocks[int(m.group(1))] = blk
    items = []
    for i, t in enumerate(types):
        if i not in blocks:
            raise ProbeError(f"clang dumped no layout for {t}")
        items += [f"size {t}", f"align {t}"]
        stack = []      # (depth, member name or None for an anonymous member)
        for line in blocks[i].splitlines():
            m = _LAYOUT_LINE.match(line)
            if not m or not m.group(1):
                continue    # the [sizeof=, align=] trailer
            offset, indent, text = m.groups()
            depth = (len(indent) - 1) // 2
            if depth < 2:   # 0: the wrapper, 1: nk_member itself
                continue
            while stack and stack[-1][0] >= depth:
                stack.pop()
            name = None if text.endswith(")") else text.rsplit(None, 1)[-1]
            if name is not None and ":" not in offset:
                items.append(f"off {t} " + ".".join([n for _, n in stack if n] + [name]))
            stack.append((depth, name))
    return list(dict.fromkeys(items))


def load_table(path):
    """A table file as {item: value string}; `#` starts a comment."""
    table = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if " = " in line:
                item, value = line.rsplit(" = ", 1)
                table[item.strip()] = value.strip()
    return table


def format_table(values):
    return "".join(f"{it} = {'MISSING' if v is None else v}\n" for it, v in values.items())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    for cmd in ("items", "measure"):
        c = sub.add_parser(cmd)
        c.add_argument("--prelude", required=True, help="a header including the headers to measure")
        if cmd == "items":
            c.add_argument("--types", required=True, help="comma-separated record types")
        else:
            c.add_argument("--items", required=True, help="one item per line (or a table)")
        c.add_argument("--clang", default=os.environ.get("CLANG", "clang-19"))
        c.add_argument("clang_args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = [x for x in a.clang_args if x != "--"]
    try:
        if a.command == "items":
            types = [t for t in a.types.split(",") if t]
            sys.stdout.write("".join(x + "\n" for x in layout_items(a.clang, a.prelude, types, args)))
        else:
            with open(a.items) as f:
                items = [l.split(" = ")[0].strip() for l in f
                         if l.strip() and not l.lstrip().startswith("#")]
            sys.stdout.write(format_table(measure(a.clang, a.prelude, items, args)))
    except ProbeError as e:
        sys.exit(f"abiprobe: {e}")


if __name__ == "__main__":
    main()
