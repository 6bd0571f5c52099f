"""`envdoctor fleet DIR|FILES...`: real snapshot files in tmp_path, through the real CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_dist
from tests.fleet.nodes import torch_node, write

ENV = {**os.environ, "NO_COLOR": "1"}
ENV.pop("FORCE_COLOR", None)
ENV.pop("PYTHONPATH", None)


def envdoctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envdoctor", *args], capture_output=True, text=True, env=env or ENV, timeout=120
    )


def fleet_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = envdoctor("fleet", *args, "--format", "json")
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def sixteen(tmp_path: Path) -> Path:
    """16 nodes; NumPy 2 landed on three of them under a torch built against NumPy 1."""
    folder = tmp_path / "snaps"
    for i in range(1, 17):
        name = f"n{i:02d}"
        numpy = "2.1.0" if name in ("n04", "n09", "n11") else "1.26.4"
        write(folder, name, torch_node(name, numpy=numpy, uuid_base=i * 8))
    return folder


def test_findings_are_grouped_across_nodes_and_the_skew_named(sixteen: Path) -> None:
    result = envdoctor("fleet", str(sixteen))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "error ED102 numpy-abi on 3 of 16 nodes: n04, n09, n11" in out
    assert re.search(r"\n  numpy +1\.26\.4 +13  2\.1\.0 on n04, n09, n11\n", out), (
        out
    )  # what, majority, nodes, outliers
    assert "READY: every node that answered runs torch 2.1.2+cu121 (CUDA 12.1), CUDA runtime 12.1, NCCL 2.18.1" in out
    assert "2 distinct environments" in out
    assert out.rstrip().endswith("FAILED: 3 nodes with errors, 1 version skewed")

    code, report = fleet_json(str(sixteen))
    assert code == 1
    (group,) = [g for g in report["groups"] if g["code"] == "ED102"]
    assert group["nodes"] == ["n04", "n09", "n11"] and group["severity"] == "error"
    assert "install" in group["variants"][0]["fix"] and "'numpy<2'" in group["variants"][0]["fix"]
    (row,) = report["skew"]
    assert row["what"] == "numpy" and row["category"] == "numpy"
    assert row["majority"]["value"] == "1.26.4" and len(row["majority"]["nodes"]) == 13
    assert row["outliers"] == [{"value": "2.1.0", "nodes": ["n04", "n09", "n11"]}]
    nodes = {n["name"]: n for n in report["nodes"]}
    assert [f["code"] for f in nodes["n09"]["findings"]] == ["ED102"] and nodes["n01"]["findings"] == []
    assert nodes["n04"]["hostname"] == "n04" and nodes["n04"]["source"].endswith("n04.json")
    assert report["summary"] == {
        "nodes": 16,
        "answered": 16,
        "unreachable": 0,
        "failed": 0,
        "nodes_with_errors": 3,
        "skewed": 1,
        "exit_code": 1,
    }


def test_a_fleet_of_one_environment_is_clean(tmp_path: Path) -> None:
    for i in range(1, 6):  # differ only in what names the node: hostname, time, GPU UUIDs
        write(tmp_path, f"gpu{i}", torch_node(f"gpu{i}", uuid_base=i * 8))
    result = envdoctor("fleet", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 distinct environment" in result.stdout
    assert "Skew: none" in result.stdout
    assert "gpu1, gpu2, gpu3, gpu4, gpu5 (5 nodes)" in result.stdout
    assert result.stdout.rstrip().endswith("OK: 5 nodes, no errors, no skew")


def test_skew_table_covers_every_compared_version(tmp_path: Path) -> None:
    for i in range(1, 7):
        write(tmp_path, f"n{i}", torch_node(f"n{i}", uuid_base=i * 8, system_cudnn="8.9.7"))
    write(tmp_path, "n7", torch_node("n7", driver="535.104.05", glibc="2.31", system_cudnn="9.1.0"))
    write(tmp_path, "n8", torch_node("n8", torch="2.1.1+cu121", nccl="2.19.3", python="3.11.9", system_cudnn="8.9.7"))
    write(tmp_path, "n9", torch_node("n9", driver=None, system_cudnn="8.9.7"))
    code, report = fleet_json(str(tmp_path))
    assert code == 1
    rows = {(r["category"], r["what"]): r for r in report["skew"]}
    assert list(rows) == [
        ("framework", "torch"),
        ("cuda-wheel", "nvidia-nccl-cu12"),
        ("cuda-library", "libcudnn (system)"),
        ("driver", "NVIDIA driver"),
        ("python", "Python"),
        ("glibc", "glibc"),
    ]
    assert rows[("framework", "torch")]["outliers"] == [{"value": "2.1.1+cu121", "nodes": ["n8"]}]
    assert rows[("cuda-library", "libcudnn (system)")]["outliers"] == [{"value": "9.1.0", "nodes": ["n7"]}]
    driver = rows[("driver", "NVIDIA driver")]
    assert driver["majority"]["value"] == "550.54.14" and len(driver["majority"]["nodes"]) == 7
    assert {o["value"]: o["nodes"] for o in driver["outliers"]} == {"535.104.05": ["n7"], None: ["n9"]}
    assert rows[("glibc", "glibc")]["outliers"] == [{"value": "2.31", "nodes": ["n7"]}]
    verdict = report["verdict"]
    assert verdict["status"] == "not-ready"
    assert verdict["frameworks"] == ["torch 2.1.2+cu121 (CUDA 12.1)"] and verdict["nccl"] == "2.18.1"
    assert [r.split(":")[0] for r in verdict["reasons"]] == ["framework build differs", "NCCL differs"]
    assert "torch 2.1.1+cu121 (CUDA 12.1) on n8" in verdict["reasons"][0]
    text = envdoctor("fleet", str(tmp_path)).stdout
    assert "NVIDIA driver" in text and "no driver on n9" in text
    assert "Distributed training: NOT READY" in text


def test_allowed_skew_is_shown_but_does_not_fail(tmp_path: Path) -> None:
    write(tmp_path, "a1", torch_node("a1"))
    write(tmp_path, "a2", torch_node("a2"))
    write(tmp_path, "a3", torch_node("a3", driver="550.90.07"))
    assert envdoctor("fleet", str(tmp_path)).returncode == 1
    code, report = fleet_json(str(tmp_path), "--allow-skew", "driver")
    assert code == 0
    assert report["skew"][0]["what"] == "NVIDIA driver" and report["skew"][0]["allowed"] is True
    assert "(allowed)" in envdoctor("fleet", str(tmp_path), "--allow-skew", "NVIDIA driver").stdout


def test_nodes_are_named_by_hostname_else_file_name(tmp_path: Path) -> None:
    old = tmp_path / "old"
    write(old, "node-a", torch_node("ignored"), drop_hostname=True)  # written before hostnames
    write(old, "node-b", torch_node("vm"))
    write(old, "node-c", torch_node("vm"))  # two snapshots from machines both called vm
    write(old, "node-d", torch_node("gpu7"))
    _, report = fleet_json(str(old))
    assert [n["name"] for n in report["nodes"]] == ["gpu7", "node-a", "node-b", "node-c"]
    # the same file name in two folders: the folder tells them apart
    write(tmp_path / "r1", "snap", torch_node("vm"))
    write(tmp_path / "r2", "snap", torch_node("vm"))
    _, report = fleet_json(str(tmp_path / "r1"), str(tmp_path / "r2" / "snap.json"))
    assert sorted(n["name"] for n in report["nodes"]) == ["r1/snap", "r2/snap"]


def test_saved_snapshots_read_back_and_one_node_is_picked_for_check(sixteen: Path, tmp_path: Path) -> None:
    saved = tmp_path / "fleet.json"
    code, report = fleet_json(str(sixteen), "--save", str(saved))
    assert code == 1
    assert f"16 snapshots saved to {saved}" in report["fleet"]["notes"]
    code, again = fleet_json(str(saved))
    assert code == 1
    assert again["nodes"] == [
        {**n, "source": f"{saved}:{n['name']}", "launcher": {"from": n["source"]}} for n in report["nodes"]
    ]
    assert again["skew"] == report["skew"] and again["groups"] == report["groups"]
    # one node per line: plain JSON for jq ('.nodes["n04"]') and for any JSON reader
    bundle = json.loads(saved.read_text(encoding="utf-8"))
    original = json.loads((sixteen / "n04.json").read_text(encoding="utf-8"))
    assert bundle["nodes"]["n04"] == original
    assert len(saved.read_text(encoding="utf-8").splitlines()) == 18
    # --pick gives check exactly that node's snapshot
    picked = envdoctor("fleet", str(saved), "--pick", "n04")
    assert picked.returncode == 0 and json.loads(picked.stdout) == original
    checked = subprocess.run(
        [sys.executable, "-m", "envdoctor", "check", "--snapshot", "-", "--format", "json"],
        input=picked.stdout,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    direct = envdoctor("check", "--snapshot", str(sixteen / "n04.json"), "--format", "json")
    assert checked.returncode == direct.returncode == 1
    assert json.loads(checked.stdout)["findings"] == json.loads(direct.stdout)["findings"]
    # a bundle that went through a JSON pretty-printer still reads (whole document)
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(bundle, indent=1), encoding="utf-8")
    code, third = fleet_json(str(pretty))
    assert code == 1 and third["skew"] == report["skew"] and len(third["nodes"]) == 16


def test_a_broken_snapshot_is_a_failed_node_not_a_traceback(tmp_path: Path) -> None:
    write(tmp_path, "n1", torch_node("n1"))
    write(tmp_path, "n2", torch_node("n2"))
    (tmp_path / "n3.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "n4.json").write_text('{"interpreter": {"executable": 7}}', encoding="utf-8")
    (tmp_path / "n5.json").write_text('{"hello": 1}', encoding="utf-8")
    result = envdoctor("fleet", str(tmp_path), "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    nodes = {n["name"]: n for n in json.loads(result.stdout)["nodes"]}
    assert [nodes[n]["status"] for n in ("n1", "n2", "n3", "n4", "n5")] == ["ok", "ok", "failed", "failed", "failed"]
    assert nodes["n3"]["reason"].startswith("malformed snapshot:")
    assert "Interpreter.executable" in nodes["n4"]["reason"]
    assert "no 'interpreter'" in nodes["n5"]["reason"]
    text = envdoctor("fleet", str(tmp_path)).stdout
    assert "failed: n3 (malformed snapshot" in text
    assert text.rstrip().endswith("FAILED: 3 nodes failed")


def test_no_answering_node_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    result = envdoctor("fleet", str(tmp_path))
    assert result.returncode == 2
    assert "no node answered" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fleet", "/nonexistent/snaps"], "/nonexistent/snaps: no such file or folder"),
        (["fleet", "ray", "snaps"], "`fleet ray` takes no other sources"),
        (["fleet", "EMPTY", "--address", "auto"], "go with `fleet ray`"),
        (["fleet", "EMPTY"], "no *.json snapshots in this folder"),
        (["fleet", "ray", "--timeout", "0"], "--timeout must be positive"),
        (["fleet", "ray", "--runtime-env", "[1]"], "--runtime-env"),
        (["fleet", "EMPTY", "--ignore", "ED9XX"], "unknown rule selector"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    args = [str(tmp_path) if a == "EMPTY" else a for a in args]
    result = envdoctor(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_pick_of_an_unknown_node(sixteen: Path) -> None:
    result = envdoctor("fleet", str(sixteen), "--pick", "n99")
    assert result.returncode == 2
    assert "no node named 'n99' (nodes: n01, n02" in result.stderr


def test_without_ray_the_verb_says_how_to_install_it() -> None:
    # Ray hidden from this interpreter as if it were not installed
    code = "import sys; sys.modules['ray'] = None; from envdoctor.cli import main; raise SystemExit(main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, "fleet", "ray"], capture_output=True, text=True, env=ENV, timeout=60, check=False
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "envdoctor fleet: error: `envdoctor fleet ray` needs Ray: pip install 'envdoctor[ray]'"
    )


def test_markdown_and_html_reports(sixteen: Path, tmp_path: Path) -> None:
    md = envdoctor("fleet", str(sixteen), "--format", "markdown")
    assert md.returncode == 1
    assert "| numpy | `1.26.4` | 13 | 2.1.0 on n04, n09, n11 |" in md.stdout
    assert "- **error** **ED102 numpy-abi** on 3 of 16 nodes: n04, n09, n11" in md.stdout
    page = tmp_path / "fleet.html"
    result = envdoctor("fleet", str(sixteen), "--format", "html", "-o", str(page))
    assert result.returncode == 1 and result.stdout == ""
    html_text = page.read_text(encoding="utf-8")
    assert html_text.startswith("<!DOCTYPE html>") and html_text.rstrip().endswith("</html>")
    assert "<b>ED102 numpy-abi</b> on 3 of 16 nodes" in html_text
    assert "<style>" in html_text
    # nothing loads from elsewhere (URLs in the evidence are text, not resources)
    for outside in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "href="):
        assert outside not in html_text, outside


def test_what_other_machines_wrote_cannot_reach_the_terminal_or_the_page(tmp_path: Path) -> None:
    evil = "n1\x1b]52;c;aGk=\x07<img src=x onerror=alert(1)>|`x`"
    write(tmp_path, "n1", torch_node(evil, numpy="2.1.0"))
    write(tmp_path, "n2", torch_node("n2"))
    text = envdoctor("fleet", str(tmp_path)).stdout
    assert "\x1b" not in text and "\x07" not in text and "\\u001b]52" in text
    page = envdoctor("fleet", str(tmp_path), "--format", "html").stdout
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    md = envdoctor("fleet", str(tmp_path), "--format", "markdown").stdout
    assert "<img" not in md and "\x1b" not in md


def test_real_probe_snapshots_of_two_environments(tmp_path: Path) -> None:
    """Snapshots taken by the real probe: one node's environment has packages on PYTHONPATH."""
    planted = tmp_path / "planted"
    make_dist(planted, "numpy", "1.26.4", top_level=[])
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    for name, extra in (("w1", {}), ("w2", {"PYTHONPATH": str(planted)}), ("w3", {})):
        result = envdoctor(
            "snapshot", "--python", sys.executable, "-o", str(snaps / f"{name}.json"), env={**ENV, **extra}
        )
        assert result.returncode == 0, result.stderr
    code, report = fleet_json(str(snaps))
    nodes = {n["name"]: n for n in report["nodes"]}
    assert sorted(nodes) == ["w1", "w2", "w3"]  # one machine: the file names tell them apart
    assert {n["hostname"] for n in nodes.values()} == {os.uname().nodename}
    assert [g["nodes"] for g in report["groups"] if g["code"] == "ED202"] == [["w2"]]
    numpy = next(r for r in report["skew"] if r["what"] == "numpy")
    assert numpy["outliers"] == [{"value": "1.26.4", "nodes": ["w2"]}]
    assert report["fleet"]["environments"] == 2
    assert code == 1


def test_worker_processes_give_the_same_report(tmp_path: Path) -> None:
    """Distinct environments diagnosed in forked worker processes (--jobs 3) or here (--jobs 1)."""
    for i in range(1, 13):
        numpy = ["1.26.4", "2.1.0", "1.24.4"][i % 3]
        write(tmp_path, f"n{i:02d}", torch_node(f"n{i:02d}", numpy=numpy, driver=f"550.{i}.01", uuid_base=i * 8))
    code_one, one = fleet_json(str(tmp_path), "--jobs", "1")
    code_many, many = fleet_json(str(tmp_path), "--jobs", "3")
    assert (code_one, code_many) == (1, 1)
    assert one["fleet"]["environments"] == many["fleet"]["environments"] == 12
    assert one == many
    assert [g["nodes"] for g in many["groups"] if g["code"] == "ED102"] == [["n01", "n04", "n07", "n10"]]
