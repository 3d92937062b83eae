#!/usr/bin/env python3
"""Cut dispatchkit's bundled data (data/manhattan, data/sf) from the project's shared data.

Usage: python3 data/cut_data.py [--shared /work/shared/data] [--out data]

Python 3 standard library only. Deterministic: running it twice gives identical files
(xz/gzip outputs are written without timestamps). What each file is, where it comes from
and its licence: data/README.md. Never copies the taxi GPS traces (CRAWDAD terms forbid
redistribution).
"""

import argparse
import csv
import gzip
import io
import lzma
import os
import shutil
import sys

# Generous box around San Francisco: holds every SF fire call of the bundled week
# (lat 37.617..37.832, lon -122.514..-122.365; the southernmost calls are at SFO airport).
SF_BBOX = {"lat_min": 37.60, "lat_max": 37.84, "lon_min": -122.53, "lon_max": -122.35}

MANHATTAN_FILES = [
    "nodes.csv.xz", "arcs.csv.xz", "stations_1.csv", "hospitals_1.csv", "ambulances_1.csv",
    "travel_1.csv", "demand_1.csv", "gen_config.xml", "manhattan_pop_densit_20m.zip",
]

HOSPITAL_COLUMNS = [
    "ID", "NAME", "ADDRESS", "CITY", "COUNTY", "TYPE", "STATUS", "BEDS", "TRAUMA", "HELIPAD",
    "LATITUDE", "LONGITUDE",
]


def in_bbox(lat, lon):
    return (SF_BBOX["lat_min"] <= lat <= SF_BBOX["lat_max"]
            and SF_BBOX["lon_min"] <= lon <= SF_BBOX["lon_max"])


def read_text(path):
    opener = lzma.open if path.endswith(".xz") else gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return f.read()


def write_xz(path, text):
    data = lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)
    with open(path, "wb") as f:
        f.write(data)


def largest_scc(n, adjacency):
    """Nodes of the largest strongly connected component (iterative Tarjan)."""
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack = []
    best = []
    counter = 0
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            if i < len(adjacency[v]):
                work[-1] = (v, i + 1)
                w = adjacency[v][i]
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component.append(w)
                    if w == v:
                        break
                if len(component) > len(best):
                    best = component
    return set(best)


def cut_sf_network(shared, out_dir):
    nodes_text = read_text(os.path.join(shared, "bayarea_osm_tertiary_nodes.csv.xz"))
    edges_text = read_text(os.path.join(shared, "bayarea_osm_tertiary_edges.csv.xz"))
    node_rows = list(csv.reader(io.StringIO(nodes_text)))
    edge_rows = list(csv.reader(io.StringIO(edges_text)))
    node_header, edge_header = node_rows[0], edge_rows[0]
    ci = {name: i for i, name in enumerate(node_header)}
    ei = {name: i for i, name in enumerate(edge_header)}

    inside = {}  # osmid -> dense index, for nodes in the box, in file order
    kept_nodes = []
    for row in node_rows[1:]:
        if not row:
            continue
        if in_bbox(float(row[ci["y"]]), float(row[ci["x"]])):
            inside[row[ci["osmid"]]] = len(kept_nodes)
            kept_nodes.append(row)
    box_edges = [row for row in edge_rows[1:]
                 if row and row[ei["u"]] in inside and row[ei["v"]] in inside]

    adjacency = [[] for _ in kept_nodes]
    for row in box_edges:
        adjacency[inside[row[ei["u"]]]].append(inside[row[ei["v"]]])
    scc = largest_scc(len(kept_nodes), adjacency)
    scc_ids = {kept_nodes[i][ci["osmid"]] for i in scc}

    out_nodes = [node_header] + [r for r in kept_nodes if r[ci["osmid"]] in scc_ids]
    out_edges = [edge_header] + [r for r in box_edges
                                 if r[ei["u"]] in scc_ids and r[ei["v"]] in scc_ids]

    def to_csv(rows):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue()

    write_xz(os.path.join(out_dir, "sf_osm_nodes.csv.xz"), to_csv(out_nodes))
    write_xz(os.path.join(out_dir, "sf_osm_edges.csv.xz"), to_csv(out_edges))
    print(f"sf network: {len(kept_nodes)} nodes / {len(box_edges)} edges in the box; "
          f"largest SCC {len(out_nodes) - 1} nodes / {len(out_edges) - 1} edges")


def cut_sf_hospitals(shared, out_dir):
    text = read_text(os.path.join(shared, "us_hospitals_hifld.csv.gz"))
    reader = csv.DictReader(io.StringIO(text))
    rows = [r for r in reader
            if r["STATE"] == "CA" and in_bbox(float(r["LATITUDE"]), float(r["LONGITUDE"]))]
    with open(os.path.join(out_dir, "sf_hospitals.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HOSPITAL_COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in HOSPITAL_COLUMNS])
    print(f"sf hospitals: {len(rows)} HIFLD rows in the box")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.path.join(here, "..", "..", "shared", "data"),
                        help="the shared data directory (default: ../shared/data)")
    parser.add_argument("--out", default=here, help="output data directory (default: data/)")
    args = parser.parse_args()
    if not os.path.isdir(args.shared):
        sys.exit(f"error: {args.shared} is not a directory (pass --shared)")

    manhattan = os.path.join(args.out, "manhattan")
    sf = os.path.join(args.out, "sf")
    os.makedirs(manhattan, exist_ok=True)
    os.makedirs(sf, exist_ok=True)
    for name in MANHATTAN_FILES:  # byte for byte, as published by JEMSS
        shutil.copyfile(os.path.join(args.shared, "jemss", "manhattan", name),
                        os.path.join(manhattan, name))
    for name in ["sf_fire_stations.csv", "sf_fire_calls_2016-12-31_2017-01-07.csv.gz"]:
        shutil.copyfile(os.path.join(args.shared, name), os.path.join(sf, name))
    cut_sf_network(args.shared, sf)
    cut_sf_hospitals(args.shared, sf)


if __name__ == "__main__":
    main()
