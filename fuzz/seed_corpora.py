#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/corpus/<target>/) from the bundled real data
(data/: San Francisco's calls, stations, hospitals and OSM roads, Manhattan's JEMSS model,
the Monaco and Andorra OpenStreetMap extracts, the triage tables; provenance in
data/README.md) and a few short hand-written files for formats the bundle has no sample
of (the GPS traces are hand-written: the taxi GPS week is measured with, never copied).
Seeds are small cuts (a few dozen rows): libFuzzer mutates short inputs fastest.

    python3 fuzz/seed_corpora.py [BUILD_FUZZ_DIR]

With BUILD_FUZZ_DIR (a DISPATCHKIT_BUILD_FUZZERS build) the binary seeds (graph file,
CH index, triage snapshot) are written too, by the harness itself (DK_FUZZ_WRITE_SEEDS).
The calibration seed, calibration/sf_week_days_1_5.json, is dk-calibrate's output on the
bundled week (docs/replay.md):
    dk-calibrate --graph=data/sf/sf_osm_edges.csv.xz --calls=data/sf/sf_fire_calls_*.csv.gz \
      --stations=data/sf/sf_fire_stations.csv --hospitals=data/sf/sf_hospitals.csv \
      --days=2017-01-01..2017-01-05 --out=fuzz/corpus/calibration/sf_week_days_1_5.json"""
import bz2
import gzip
import lzma
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def text(path):
    opener = {".xz": lzma.open, ".gz": gzip.open, ".bz2": bz2.open}.get(
        os.path.splitext(path)[1], open)
    with opener(os.path.join(DATA, path), "rt", encoding="utf-8", newline="") as f:
        return f.read()


def head(path, rows):
    return "".join(text(path).splitlines(keepends=True)[: rows + 1])


def seed(target, name, content):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data)


def sf_subgraph(arcs=40):
    """The first `arcs` edges of the bundled SF OSM graph and the nodes they touch."""
    edges = text("sf/sf_osm_edges.csv.xz").splitlines()
    header, rows = edges[0], edges[1 : arcs + 1]
    used = set()
    for r in rows:
        f = r.split(",")
        used.update((f[1], f[2]))
    nodes = text("sf/sf_osm_nodes.csv.xz").splitlines()
    kept = [n for n in nodes[1:] if n.split(",")[0] in used]
    return nodes[0], kept, header, rows


def main():
    nh, nodes, eh, edges = sf_subgraph()
    seed("osm_csv", "sf_40_edges", "\n".join([nh] + nodes) + "\n\0" + "\n".join([eh] + edges) + "\n")
    ids = {n.split(",")[0]: i + 1 for i, n in enumerate(nodes)}
    coords = {n.split(",")[0]: n.split(",")[1:3] for n in nodes}
    gr = [f"p sp {len(nodes)} {len(edges)}"]
    co = [f"p aux sp co {len(nodes)}"]
    csv_nodes, csv_arcs = ["id,lat,lon"], ["from,to,length_m,time_s"]
    for n in nodes:
        x, y = coords[n.split(",")[0]]
        co.append(f"v {ids[n.split(',')[0]]} {round(float(x) * 1e6)} {round(float(y) * 1e6)}")
        csv_nodes.append(f"{n.split(',')[0]},{y},{x}")
    for e in edges:
        f = e.split(",")
        secs = float(f[3]) / (float(f[5]) * 0.44704)
        gr.append(f"a {ids[f[1]]} {ids[f[2]]} {round(secs * 10)}")
        csv_arcs.append(f"{f[1]},{f[2]},{f[3]},{secs:.1f}")
    seed("dimacs", "sf_40_arcs.gr", "c cut of data/sf\n" + "\n".join(gr) + "\n")
    seed("dimacs", "crlf.gr", "\r\n".join(gr[:6]).replace(gr[0], f"p sp {len(nodes)} 5") + "\r\n")
    seed("dimacs_co", "sf_40_arcs.co", "\n".join(co) + "\n")
    seed("graph_text", "dimacs.gr", "\n".join(gr) + "\n")
    seed("graph_text", "osm_edges.csv", "\n".join([eh] + edges[:5]) + "\n")
    seed("graph_text", "arcs.csv", "\n".join(csv_arcs[:6]) + "\n")
    seed("integrator_csv", "sf_40_arcs", "\n".join(csv_nodes) + "\n\0" + "\n".join(csv_arcs) + "\n")
    seed("pace16", "path.gr", "c a path and a triangle\np tw 6 5\n1 2\n2 3\n3 1\n4 5\n5 6\n")

    # JEMSS: nodes, arcs among them, and a stations table, split by NUL bytes.
    jn = text("manhattan/nodes.csv.xz").splitlines()
    ja = text("manhattan/arcs.csv.xz").splitlines()
    start = next(i for i, l in enumerate(ja) if l.startswith("index,")) + 1
    arcs = ja[start : start + 30]
    wanted = set()
    for a in arcs:
        f = a.split(",")
        wanted.update((float(f[1]), float(f[2])))
    node_rows = [l for l in jn[2:] if l and l[0].isdigit() and float(l.split(",")[0]) in wanted]
    seed("jemss", "manhattan_30_arcs",
         f"nodes,{len(node_rows)},,\n{jn[1]}\n" + "\n".join(node_rows) + "\n\0" +
         "\n".join(ja[: start - 2]) + f"\narcs,{len(arcs)},,\n{ja[start - 1]}\n" +
         "\n".join(arcs) + "\n\0" + head("manhattan/stations_1.csv", 5))

    small = "\n".join(gr) + "\n"
    seed("gzip", "sf.gr.gz", gzip.compress(small.encode(), mtime=0))
    seed("xz", "sf.gr.xz", lzma.compress(small.encode()))

    # OpenStreetMap: one way with its nodes and a turn restriction cut from Monaco's XML,
    # and the bundled Andorra valley PBF (the smallest real PBF).
    root = ET.fromstring(text("osm/monaco_center.osm.gz"))
    nodes_by_id = {n.get("id"): n for n in root.iter("node")}
    relation = next(r for r in root.iter("relation")
                    if any(t.get("k") == "type" and t.get("v") == "restriction" for t in r.iter("tag")))
    way_ids = {m.get("ref") for m in relation.iter("member") if m.get("type") == "way"}
    ways = [w for w in root.iter("way") if w.get("id") in way_ids]
    out = ET.Element("osm", version="0.6", generator="dispatchkit fuzz/seed_corpora.py")
    refs = {nd.get("ref") for w in ways for nd in w.iter("nd")}
    for r in sorted(refs):
        if r in nodes_by_id:
            out.append(nodes_by_id[r])
    for w in ways:
        out.append(w)
    out.append(relation)
    seed("osm_xml", "monaco_restriction.osm",
         b"<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(out))
    with open(os.path.join(DATA, "osm", "andorra_valley.osm.pbf"), "rb") as f:
        seed("osm_pbf", "andorra_valley.osm.pbf", f.read())

    seed("calls", "sf_week_head.csv", head("sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz", 30))
    seed("calls", "manhattan_jemss_head.csv", head("manhattan/calls_1day_seed1.csv", 25))
    seed("calls", "timeline.csv",
         "call_id,unit_id,received,priority,lat,lon,dispatched,en_route,on_scene,left_scene,"
         "at_destination,transfer_of_care,back_in_service\n"
         "1,M1,2017-01-01T10:00:00-08:00,I,37.7749,-122.4194,2017-01-01T10:01:00-08:00,"
         "2017-01-01T10:02:00-08:00,2017-01-01T10:09:00-08:00,,,,2017-01-01T10:40:00-08:00\n")
    seed("sites", "sf_stations.csv", head("sf/sf_fire_stations.csv", 8))
    seed("hospitals", "sf_hospitals.csv", head("sf/sf_hospitals.csv", 6))
    seed("fleet", "two_units.csv", "call_sign,station,capabilities\nM1,1,als|transport\nM2,Station #2,bls\n")
    seed("response_plans", "default.csv", text("triage/default_response_plans.csv"))
    seed("service_targets", "default.csv", text("triage/default_service_targets.csv"))
    for i, code in enumerate(["09-E-01", "26-A-01", "10-D-04x", "I", "29-D-1", "17-B-03G"]):
        seed("determinant", f"code_{i}", code)
    seed("call_mapping", "sf.csv",
         "original_priority,call_type,call_type_group,code,note\n"
         "3,Traffic Collision,*,29-D-1,\"emergency collision, trauma\"\n3,*,*,priority,\n*,*,*,IV,\n")
    seed("traffic_profile", "grid.csv",
         "# dispatchkit traffic profile (docs/traffic.md)\n"
         "# slicing: slice_minutes=15 utc_offset_minutes=-420\n"
         "from_id,to_id,slice,travel_time_s,samples\n100,101,32,41.5,7\n101,105,40,20,3\n")
    seed("gps", "two_cabs.csv",
         "cab_id,unix_time_utc,lat,lon,occupied\nc1,1211094008,37.77833,-122.4182,0\n"
         "c1,1211094068,37.77901,-122.4170,0\nc2,1211094010,37.7700,-122.4200,1\n")
    seed("closures", "one_street.csv",
         "start,end,from,to\n2017-01-02T08:00:00,2017-01-02T10:00:00,100,101\n")
    seed("areas", "west_rural.geojson",
         '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
         '{"area_class":"rural"},"geometry":{"type":"Polygon","coordinates":'
         '[[[-122.52,37.70],[-122.45,37.70],[-122.45,37.81],[-122.52,37.81],[-122.52,37.70]]]}}]}')
    seed("demand", "manhattan_head.csv", head("manhattan/demand_1.csv", 12))
    seed("gen_config", "manhattan.xml", text("manhattan/gen_config.xml"))
    for name in ("triage_ops", "fleet_ops", "route_queries"):
        seed(name, "a", bytes(range(0, 256, 3)))
        seed(name, "b", bytes((i * 37) % 256 for i in range(200)))

    if len(sys.argv) > 1:
        exe = os.path.join(sys.argv[1], "fuzz", "dk_fuzz_dimacs")
        subprocess.run([exe], env=dict(os.environ, DK_FUZZ_WRITE_SEEDS=CORPUS), check=True)


if __name__ == "__main__":
    main()
