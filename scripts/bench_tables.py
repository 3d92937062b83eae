#!/usr/bin/env python3
"""Refresh the measured-figure tables of README.md and docs/*.md in one command.

    python3 scripts/bench_tables.py                       # every table, every graph present
    python3 scripts/bench_tables.py --only=ch-graphs:manhattan --repetitions=1 --dry-run
    python3 scripts/bench_tables.py --list                # tables, graphs, what is missing
    python3 scripts/bench_tables.py --stand-in=manhattan --repetitions=1   # check every table's
                                                          # layout on the bundled city, write nothing

Runs the bench/ programs (Google Benchmark) with --benchmark_format=json on the graphs the
tables use: the bundled ones in data/, and NY, BAY, FLA and the JEMSS cities from
../shared/data when that directory is there (tables or rows whose graph is absent are left
as they are, and the script says so). Each table sits between two marker comments,

    <!-- bench:ch-ny begin -->
    | ... the table ... |
    <!-- bench:ch-ny end -->

and is rewritten in place with the medians of the repetitions, the ratios against the
baselines of the same run, and a line naming the commit (git rev-parse --short HEAD), the
machine (nproc, CPU model from /proc/cpuinfo) and the date. A table whose rows (or columns)
are graphs keeps the rows this run did not measure, so one graph can be refreshed alone.

Build the benchmarks first (Release):
    cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
    cmake --build build/release -j2 --target bench_ch bench_cch

Python 3 standard library only. Exit status: 0 done, 1 a benchmark failed or a marker
is malformed, 2 usage.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name -> (label used in the tables, location, path relative to it)
GRAPHS = {
    "ny": ("PACE16 NY", "shared", "road_pace16_NY.gr.xz"),
    "bay": ("PACE16 BAY", "shared", "road_pace16_BAY.gr.xz"),
    "fla": ("PACE16 FLA", "shared", "road_pace16_FLA.gr.xz"),
    "manhattan": ("JEMSS Manhattan (bundled)", "bundled", "manhattan"),
    "auckland": ("JEMSS Auckland", "shared", "jemss/auckland"),
    "sf": ("San Francisco (bundled)", "bundled", "sf/sf_osm_edges.csv.xz"),
}


# ---- Formatting ---------------------------------------------------------------------------


def fmt_time(ns):
    """A duration in the unit a reader expects: 11.0 us, 3.26 ms, 2.21 s."""
    if ns >= 1e9:
        v, unit = ns / 1e9, "s"
    elif ns >= 1e6:
        v, unit = ns / 1e6, "ms"
    elif ns >= 1e3:
        v, unit = ns / 1e3, "us"
    else:
        v, unit = ns, "ns"
    return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"


def fmt_int(x):
    return f"{int(round(x)):,}"


def fmt_ratio(x):
    return f"{x:,.0f}x" if x >= 10 else f"{x:.2g}x"


# ---- Running the benchmarks ---------------------------------------------------------------


class Run:
    """Medians of one bench program's run on one graph, by benchmark name."""

    def __init__(self, results, stderr):
        self.results = results
        self.stderr = stderr

    def has(self, name):
        return name in self.results

    def ns(self, name):
        """Per-operation time in ns: from items_per_second when the benchmark sets it (so
        multi-threaded runs give the time per query of the whole process), else its time."""
        r = self.results[name]
        if r.get("items_per_second"):
            return 1e9 / r["items_per_second"]
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[r.get("time_unit", "ns")]
        return r["real_time"] * scale

    def cpu_ns(self, name):
        r = self.results[name]
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[r.get("time_unit", "ns")]
        return r["cpu_time"] * scale

    def counter(self, name, counter):
        return self.results[name][counter]

    def graph_size(self):
        """(nodes, arcs) from the "graph: N nodes, M arcs" line bench_common prints."""
        m = re.search(r"graph: ([\d,]+) nodes, ([\d,]+) arcs", self.stderr)
        if not m:
            return None
        return tuple(int(x.replace(",", "")) for x in m.groups())


def parse_results(data):
    """Benchmark name -> entry; with repetitions the median aggregate, named by run_name."""
    out = {}
    medians = {}
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            raise RuntimeError(f"{b['name']}: {b.get('error_message', 'error')}")
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[b["run_name"]] = b
            continue
        out.setdefault(b.get("run_name", b["name"]), b)
    out.update(medians)
    return out


class Runner:
    def __init__(self, args):
        self.args = args
        self.cache = {}

    def graph_path(self, graph):
        if self.args.stand_in:
            graph = self.args.stand_in
        _, where, rel = GRAPHS[graph]
        base = os.path.join(ROOT, "data") if where == "bundled" else self.args.shared
        path = os.path.join(base, rel)
        return path if os.path.exists(path) else None

    def run(self, program, graph, extra=()):
        key = (program, self.graph_path(graph), tuple(extra))
        if key in self.cache:
            return self.cache[key]
        exe = os.path.join(self.args.build, "bench", program)
        if not os.path.exists(exe):
            raise RuntimeError(f"{exe}: not built (cmake --build {self.args.build} --target {program})")
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            out_path = f.name
        cmd = [exe, f"--benchmark_out={out_path}", "--benchmark_out_format=json",
               "--benchmark_format=json", f"--benchmark_repetitions={self.args.repetitions}",
               "--benchmark_report_aggregates_only=false"]
        if self.args.filter:
            cmd.append(f"--benchmark_filter={self.args.filter}")
        cmd += [f"--graph={self.graph_path(graph)}", *extra]
        print("+ " + " ".join(cmd), file=sys.stderr)
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            if p.returncode != 0:
                raise RuntimeError(f"{program} on {graph} exited with {p.returncode}:\n{p.stderr}")
            with open(out_path) as f:
                run = Run(parse_results(json.load(f)), p.stderr)
        finally:
            os.unlink(out_path)
        self.cache[key] = run
        return run


# ---- The tables ---------------------------------------------------------------------------
# Each table: where it is, the graphs it needs, and a function from runs to its lines.
# Graph-keyed tables return {graph: row or column}; the others return their lines.


def ch_ny(runner):
    r = runner.run("bench_ch", "ny")
    b1, b2 = r.ns("BM_CH_Build/threads:1/iterations:1/real_time"), r.ns(
        "BM_CH_Build/threads:2/iterations:1/real_time")
    build = "BM_CH_Build/threads:2/iterations:1/real_time"
    q1, q2 = r.ns("BM_CH_Query/real_time/threads:1"), r.ns("BM_CH_Query/real_time/threads:2")
    p1, p2 = r.ns("BM_CH_QueryPath/real_time/threads:1"), r.ns("BM_CH_QueryPath/real_time/threads:2")
    ref, boost = r.ns("BM_Dijkstra_Reference/real_time/threads:1"), r.ns("BM_Dijkstra_Boost")
    m2o = r.ns("BM_CH_ManyToOne/500/real_time/threads:1")
    back = r.ns("BM_Dijkstra_BackwardOneToAll")
    save, load = r.ns("BM_CH_Save/iterations:3"), r.ns("BM_CH_Load")
    return [
        "| benchmark | CH | baseline in the same run |",
        "|---|---|---|",
        f"| `BM_CH_Build` | **{fmt_time(b2)}** with 2 threads, {fmt_time(b1)} with 1 "
        f"({b1 / b2:.2g}x); {fmt_int(r.counter(build, 'shortcuts'))} shortcuts; "
        f"{fmt_int(r.counter(build, 'rounds'))} rounds; builder peak "
        f"{r.counter(build, 'builder_peak_MB'):.0f} MB; process peak RSS "
        f"{r.counter(build, 'process_peak_RSS_MB'):.0f} MB | RoutingKit on this kind of machine: ~4.9 s |",
        f"| `BM_CH_Query` | **{fmt_time(q1)}**, "
        f"{r.counter('BM_CH_Query/real_time/threads:1', 'settled'):.1f} nodes settled; 2 threads: "
        f"{fmt_time(q2)} per query ({q1 / q2:.2f}x) | `BM_Dijkstra_Reference` {fmt_time(ref)} "
        f"(CH {fmt_ratio(ref / q1)} faster), `BM_Dijkstra_Boost` {fmt_time(boost)} ({fmt_ratio(boost / q1)}) |",
        f"| `BM_CH_QueryPath` | {fmt_time(p1)} "
        f"({r.counter('BM_CH_QueryPath/real_time/threads:1', 'route_arcs'):.0f} original arcs per "
        f"route); 2 threads {fmt_time(p2)} per query | same |",
        f"| `BM_CH_QueryPosition` (mid-arc) | {fmt_time(r.ns('BM_CH_QueryPosition'))} | same |",
        f"| `BM_CH_ManyToOne/500` (1 incident, 500 units) | **{fmt_time(m2o)}** "
        f"({fmt_int(r.counter('BM_CH_ManyToOne/500/real_time/threads:1', 'bucket_entries'))} bucket "
        f"entries); setup of the 500 units {fmt_time(r.ns('BM_CH_ManyToOneSetup/500'))} | "
        f"`BM_Dijkstra_BackwardOneToAll` {fmt_time(back)} ({fmt_ratio(back / m2o)}) |",
        f"| `BM_CH_MoveUnit` (1 unit of 500) | **{fmt_time(r.ns('BM_CH_MoveUnit'))}** | - |",
        f"| `BM_CH_ManyToMany/100` | {fmt_time(r.ns('BM_CH_ManyToMany/100') * 100 * 100)} for "
        f"100 x 100 | (100 `BackwardOneToAll` searches: ~{fmt_time(100 * back)}) |",
        f"| `BM_CH_Save` / `BM_CH_Load` | {fmt_time(save)} / {fmt_time(load)} "
        f"({r.counter('BM_CH_Save/iterations:3', 'file_MB'):.1f} MB file, every check included) | "
        f"build: {fmt_time(b2)} ({fmt_ratio(b2 / load)}) |",
    ]


def readme_ny(runner):
    r = runner.run("bench_ch", "ny")
    return [
        "PACE16 graphs (unweighted) get the documented default weight",
        "`w({u,v}) = 1 + splitmix64((min(u,v) << 32) | max(u,v)) % 1000` on 1-based ids, so figures",
        "are comparable with other tools ([docs/graph.md](docs/graph.md)). On PACE16 NY, on the",
        f"{machine()['cores']}-core development machine: CH build "
        f"{fmt_time(r.ns('BM_CH_Build/threads:2/iterations:1/real_time'))}, a distance query "
        f"{fmt_time(r.ns('BM_CH_Query/real_time/threads:1'))} against "
        f"{fmt_time(r.ns('BM_Dijkstra_Boost'))} for Boost's Dijkstra in the same run, 500 units -> 1 "
        f"incident {fmt_time(r.ns('BM_CH_ManyToOne/500/real_time/threads:1'))}, moving one unit "
        f"{fmt_time(r.ns('BM_CH_MoveUnit'))}",
        "([docs/ch.md](docs/ch.md#measured), with BAY, FLA and the JEMSS cities).",
    ]


CH_GRAPHS_HEADER = [
    "| graph | nodes / arcs | build 2 thr / 1 thr | shortcuts | builder peak | query | path | "
    "500 -> 1 | move | load | Dijkstra ref / Boost / backward one-to-all |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]


def ch_graph_row(runner, graph):
    r = runner.run("bench_ch", graph)
    build = "BM_CH_Build/threads:2/iterations:1/real_time"
    size = r.graph_size()
    nodes_arcs = f"{fmt_int(size[0])} / {fmt_int(size[1])}" if size else "?"
    ms = lambda name: f"{r.ns(name) / 1e6:.3g}"
    return (
        f"| {GRAPHS[graph][0]} | {nodes_arcs} | {fmt_time(r.ns(build))} / "
        f"{fmt_time(r.ns('BM_CH_Build/threads:1/iterations:1/real_time'))} | "
        f"{fmt_int(r.counter(build, 'shortcuts'))} | {r.counter(build, 'builder_peak_MB'):.3g} MB | "
        f"{fmt_time(r.ns('BM_CH_Query/real_time/threads:1'))} "
        f"({r.counter('BM_CH_Query/real_time/threads:1', 'settled'):.0f} settled) | "
        f"{fmt_time(r.ns('BM_CH_QueryPath/real_time/threads:1'))} | "
        f"{fmt_time(r.ns('BM_CH_ManyToOne/500/real_time/threads:1'))} | "
        f"{fmt_time(r.ns('BM_CH_MoveUnit'))} | {fmt_time(r.ns('BM_CH_Load'))} | "
        f"{ms('BM_Dijkstra_Reference/real_time/threads:1')} / {ms('BM_Dijkstra_Boost')} / "
        f"{ms('BM_Dijkstra_BackwardOneToAll')} ms |")


# docs/cch.md's table has one column per (graph, partitioner); its figures are CPU times of
# the main thread (the machine is shared; see the text above the table).
CCH_COLUMNS = [
    ("ny", "metis", "PACE16 NY (METIS)"),
    ("fla", "metis", "PACE16 FLA (METIS)"),
    ("manhattan", "metis", "Manhattan (METIS)"),
    ("manhattan", "inertial", "Manhattan (inertial)"),
    ("auckland", "metis", "Auckland (METIS)"),
    ("auckland", "inertial", "Auckland (inertial)"),
]
CCH_ROWS = [
    "nodes / road arcs", "CCH arcs / triangles", "tree height / mean search space",
    "BM_CCH_Order", "BM_CCH_Build", "BM_CCH_Customize/threads:1 (basic+perfect)",
    "BM_CCH_Customize/threads:2", "BM_CCH_CustomizeBasic/threads:1",
    "BM_CCH_CustomizeBasic/threads:2", "BM_CCH_PartialCustomize/10 (10 closures)",
    "arcs re-evaluated per partial update", "BM_CCH_Query", "BM_CH_Query (route/ch, same pairs)",
    "BM_CCH_ManyToOne/500", "BM_CH_ManyToOne/500", "BM_Dijkstra_Reference",
]


def si(x):
    return f"{x / 1e6:.3g} M" if x >= 1e6 else f"{x / 1e3:.3g} k" if x >= 1e3 else f"{x:.0f}"


def cch_column(runner, graph, order):
    r = runner.run("bench_cch", graph, [f"--order={order}"])
    find = lambda prefix: next(n for n in r.results if n.startswith(prefix))
    order_b = find("BM_CCH_Order")
    size = r.graph_size()
    cpu = lambda prefix: fmt_time(r.cpu_ns(find(prefix)))
    partial = find("BM_CCH_PartialCustomize/10")
    return [
        f"{fmt_int(size[0])} / {fmt_int(size[1])}" if size else "?",
        f"{si(r.counter(order_b, 'arcs'))} / {si(r.counter(order_b, 'triangles'))}",
        f"{r.counter(order_b, 'height'):.0f} / {r.counter(order_b, 'mean_search_space'):.1f}",
        cpu("BM_CCH_Order"), cpu("BM_CCH_Build"), cpu("BM_CCH_Customize/threads:1"),
        cpu("BM_CCH_Customize/threads:2"), cpu("BM_CCH_CustomizeBasic/threads:1"),
        cpu("BM_CCH_CustomizeBasic/threads:2"), cpu("BM_CCH_PartialCustomize/10"),
        fmt_int(r.counter(partial, "arcs_recomputed")), cpu("BM_CCH_Query"), cpu("BM_CH_Query"),
        cpu("BM_CCH_ManyToOne/500"), cpu("BM_CH_ManyToOne/500"), cpu("BM_Dijkstra_Reference"),
    ]


# id -> (file, kind, graphs, renderer)
TABLES = {
    "readme-ny": ("README.md", "prose", ["ny"], readme_ny),
    "ch-ny": ("docs/ch.md", "table", ["ny"], ch_ny),
    "ch-graphs": ("docs/ch.md", "rows", ["bay", "fla", "manhattan", "auckland"], ch_graph_row),
    "cch-graphs": ("docs/cch.md", "columns", list(dict.fromkeys(c[0] for c in CCH_COLUMNS)),
                   cch_column),
}


# ---- Machine and commit -------------------------------------------------------------------

_machine = None


def machine():
    global _machine
    if _machine is None:
        cpu = "unknown CPU"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        try:
            commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                    capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "unknown"
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        _machine = {"cores": os.cpu_count() or 1, "cpu": cpu, "commit": commit,
                    "date": datetime.date.today().isoformat(), "load": load}
    return _machine


def provenance(what, repetitions, comment=False):
    m = machine()
    text = (f"{what} by `scripts/bench_tables.py` at commit {m['commit']}, {m['date']}, on "
            f"{m['cores']} cores ({m['cpu']}, load average {m['load']:.1f}); medians of "
            f"{repetitions} repetition(s).")
    return f"<!-- {text} -->" if comment else f"_{text}_"


# ---- Markers ------------------------------------------------------------------------------


def find_block(lines, table, path):
    begin = f"<!-- bench:{table} begin -->"
    end = f"<!-- bench:{table} end -->"
    starts = [i for i, l in enumerate(lines) if l.strip() == begin]
    ends = [i for i, l in enumerate(lines) if l.strip() == end]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise RuntimeError(f"{path}: expected one '{begin}' followed by one '{end}'")
    return starts[0], ends[0]


def split_cells(row):
    return [c.strip() for c in row.strip().strip("|").split("|")]


def render(table, runner, graphs, args):
    """The new lines between the markers, or None if nothing of it can be measured."""
    path, kind, needs, fn = TABLES[table]
    with open(os.path.join(ROOT, path)) as f:
        old = f.read().splitlines()
    b, e = find_block(old, table, path)
    table_lines = [l for l in old[b + 1:e] if l.strip().startswith("|")]
    wanted = [g for g in needs if (graphs is None or g in graphs)]
    present = [g for g in wanted if runner.graph_path(g)]
    for g in wanted:
        if g not in present:
            print(f"{table}: {GRAPHS[g][0]} is not present "
                  f"({runner.graph_path(g) or GRAPHS[g][2]} under {args.shared}); kept as it was",
                  file=sys.stderr)
    if not present:
        return None
    if kind == "prose":
        paragraph = " ".join(fn(runner))
        return [provenance("Measured", args.repetitions, comment=True)] + textwrap.wrap(
            paragraph, width=95, break_long_words=False, break_on_hyphens=False)
    if kind == "table":
        return fn(runner) + ["", provenance("Measured", args.repetitions)]
    if kind == "rows":
        rows = {split_cells(l)[0]: l for l in table_lines[2:]}
        for g in present:
            rows[GRAPHS[g][0]] = fn(runner, g)
        order = [split_cells(l)[0] for l in table_lines[2:]]
        order += [GRAPHS[g][0] for g in present if GRAPHS[g][0] not in order]
        labels = ", ".join(GRAPHS[g][0] for g in present)
        return (CH_GRAPHS_HEADER + [rows[k] for k in order] +
                ["", provenance(f"Rows {labels} measured", args.repetitions)])
    # columns: one per (graph, order) of CCH_COLUMNS
    grid = [split_cells(l) for l in table_lines]
    header, rows = grid[0], grid[2:]
    if len(rows) != len(CCH_ROWS):
        raise RuntimeError(f"{path}: bench:{table} has {len(rows)} rows, expected {len(CCH_ROWS)}")
    done = []
    for col, (g, order, label) in enumerate(CCH_COLUMNS, start=1):
        if g not in present:
            continue
        cells = fn(runner, g, order)
        if label.endswith("(inertial)") and cells[0] == rows[0][col - 1]:
            cells[0] = "same"
        for i, cell in enumerate(cells):
            rows[i][col] = cell
        done.append(label)
    line = lambda cells: "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"
    out = [line(header), "|" + "---|" * len(header)] + [line(r) for r in rows]
    out += ["", provenance(f"Columns {', '.join(done)} measured (CPU time of the main thread)",
                           args.repetitions)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"),
                    help="build directory with bench/ (default: build/release)")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"),
                    help="the large data sets (default: ../shared/data)")
    ap.add_argument("--only", default="",
                    help="TABLE or TABLE:GRAPH, comma-separated (e.g. ch-graphs:manhattan)")
    ap.add_argument("--filter", default="",
                    help="--benchmark_filter for every run (a quick check; tables need their rows)")
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--dry-run", action="store_true", help="print the new tables, write nothing")
    ap.add_argument("--list", action="store_true", help="list tables and graphs, run nothing")
    ap.add_argument("--stand-in", choices=sorted(GRAPHS), default="",
                    help="measure every graph of the tables on this one instead, to check the "
                    "script quickly (e.g. manhattan); implies --dry-run")
    args = ap.parse_args()
    args.shared = os.path.abspath(args.shared)
    args.build = os.path.abspath(args.build)
    if args.stand_in:
        args.dry_run = True
        print(f"bench_tables.py: --stand-in={args.stand_in}: every figure below is "
              f"{GRAPHS[args.stand_in][0]}'s; nothing is written", file=sys.stderr)
    runner = Runner(args)

    if args.list:
        for t, (path, kind, needs, _) in TABLES.items():
            have = ", ".join(f"{g}{'' if runner.graph_path(g) else ' (absent)'}" for g in needs)
            print(f"{t:12} {path:12} {kind:8} {have}")
        return 0

    selection = {}
    for item in filter(None, args.only.split(",")):
        table, _, graph = item.partition(":")
        if table not in TABLES or (graph and graph not in TABLES[table][2]):
            print(f"bench_tables.py: unknown table or graph '{item}' (see --list)", file=sys.stderr)
            return 2
        if graph:
            selection.setdefault(table, set()).add(graph)
        else:
            selection[table] = None
    if not selection:
        selection = {t: None for t in TABLES}

    status = 0
    for table, graphs in selection.items():
        path = TABLES[table][0]
        try:
            new = render(table, runner, graphs, args)
        except (RuntimeError, KeyError, StopIteration, TypeError) as err:
            print(f"{table}: {type(err).__name__}: {err}", file=sys.stderr)
            status = 1
            continue
        if new is None:
            continue
        if args.dry_run:
            print(f"--- {path} bench:{table}")
            print("\n".join(new))
            continue
        full = os.path.join(ROOT, path)
        with open(full) as f:
            lines = f.read().splitlines()
        b, e = find_block(lines, table, path)
        lines[b + 1:e] = new
        with open(full, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{path}: bench:{table} rewritten", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
