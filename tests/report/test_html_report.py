"""The HTML report: the funnel model, escaping of hostile repository text, self-containment, and a real browser."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from whackachip_lint.config import Settings
from whackachip_lint.infer.engine import infer
from whackachip_lint.report import html as html_report
from whackachip_lint.report.funnel import FINAL_STEP, funnel
from whackachip_lint.scan import scan

from ..conftest import promised_exit_code, run_cli

REPOS = Path(__file__).parents[1] / "fixtures" / "repos"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REPOS = ["hunyuan_large", "sh_dead_branch", "fmt_multi_vendor", "mem_70b_zero3"]


def _verdict(repo: Path):
    result = scan([repo], Settings(use_cache=False))
    return result, infer(result)


# --- the funnel model -----------------------------------------------------------------------------------------

def test_funnel_of_the_papers_set_up_narrows_in_the_papers_order():
    """NCCL -> NVIDIA (or AMD), bf16 -> Ampere or newer, GPUDirect RDMA and InfiniBand -> datacenter parts."""
    _, verdict = _verdict(REPOS / "hunyuan_large")
    steps = funnel(verdict)
    assert [s.constraint for s in steps] == [
        "nccl backend: NVIDIA (CUDA) or AMD (ROCm keeps the name) through RCCL",
        "native bf16 tensor math",
        "GPUDirect RDMA (datacenter/professional NVIDIA or AMD Instinct)",
        "InfiniBand/RoCE NICs in a cluster: datacenter parts",
        FINAL_STEP,
    ]
    by_constraint = {r.constraint: tuple(r.evidence) for r in verdict.overall.requirements}
    for step in steps[:-1]:
        assert step.evidence == by_constraint[step.constraint]  # the inference's own evidence lines
    assert "nvidia-v100" in steps[1].disfavoured and "nvidia-rtx-4090" in steps[2].disfavoured


@pytest.mark.parametrize("name", BROWSER_REPOS)
def test_funnel_ends_at_the_verdicts_statuses(name):
    _, verdict = _verdict(REPOS / name)
    steps = funnel(verdict)
    final = steps[-1].statuses if steps else {c.entry.id: "consistent" for c in verdict.candidates}
    assert final == {c.entry.id: c.status for c in verdict.candidates}
    assert steps == funnel(verdict)  # stable


# --- escaping and self-containment ----------------------------------------------------------------------------

PAYLOAD = '</script><img src=x onerror="alert(1)">'
NAME_PAYLOAD = '"><img src=x onerror=alert(1)>'  # a file name cannot hold "/"


@pytest.fixture
def hostile_repo(tmp_path) -> Path:
    repo = tmp_path / "hostile"
    repo.mkdir()
    (repo / f"{NAME_PAYLOAD}.py").write_text(f'import torch\nx = torch.bfloat16  # {PAYLOAD}\n')
    (repo / "train.sh").write_text(f"#!/bin/bash\nexport NCCL_IB_HCA='{PAYLOAD}'\ntorchrun --nproc_per_node 8 t.py\n")
    (repo / "README.md").write_text(f"We trained on 8x A100 GPUs. {PAYLOAD}\n")
    return repo


def test_repository_text_is_escaped_everywhere(hostile_repo, tmp_path):
    out = tmp_path / "report.html"
    result = run_cli("--no-cache", "--format", "html", "-o", str(out), str(hostile_repo))
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert PAYLOAD not in page and NAME_PAYLOAD not in page and "<img" not in page
    assert html_report.e(PAYLOAD) in page and html_report.e(NAME_PAYLOAD) in page
    assert page.count("<script>") == 1  # only the report's own script


def test_the_page_loads_nothing_from_outside(hostile_repo):
    result = scan([hostile_repo], Settings(use_cache=False))
    page = html_report.render(result, infer(result))
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//)""", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page


def test_long_lines_around_findings_are_cut_as_snippets_are(tmp_path):
    # A minified file: every finding on its one long line (and the long lines around it) would otherwise be shown
    # whole, once per finding.
    from whackachip_lint.one_file import SNIPPET_MAX

    repo = tmp_path / "minified"
    repo.mkdir()
    filler = "y = [" + "1, " * 20_000 + "]"
    body = [filler, "x = torch.bfloat16; " + "z = 0; " * 20_000, filler]
    (repo / "train.py").write_text("import torch\n" + "\n".join(body) + "\n")
    result = scan([repo], Settings(use_cache=False))
    assert [f.line for f in result.findings if f.rule == "WAC101"] == [3]
    page = html_report.render(result, infer(result))
    assert len(page) < 200_000
    evidence = page[page.index('<section id="evidence">'):]
    shown = re.findall(r'<span class="(?:hit|ctx)"><span class="ln">(\d+)</span>([^<]*)</span>', evidence)
    assert [n for n, _ in shown] == ["1", "2", "3", "4"]
    assert all(len(html.unescape(text)) <= SNIPPET_MAX for _, text in shown)
    assert html.unescape(dict(shown)["3"]).endswith("\u2026")


# --- in a real browser ----------------------------------------------------------------------------------------

def _browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run installs it)")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency ('.[test]')")
    return playwright


def _open(page, path: Path, errors: list[str]) -> float:
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri(), wait_until="load")
    # The page's own navigation timing (parse, layout, script, load event), not the browser's start-up.
    return page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000


def _launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync"])


@pytest.mark.slow  # starts Chromium
def test_reports_in_chromium_match_the_json_verdict(tmp_path):
    api = _browser()
    ARTIFACTS.mkdir(exist_ok=True)
    with api.sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            for name in BROWSER_REPOS:
                out = tmp_path / f"{name}.html"
                report = json.loads(run_cli("--no-cache", "--format", "json", "--exit-zero", str(REPOS / name)).stdout)
                html_run = run_cli("--no-cache", "--format", "html", "-o", str(out), str(REPOS / name))
                assert html_run.exit_code == promised_exit_code(report), html_run.output
                verdict = report["inference"]
                expected = {c["id"]: c["status"] for c in verdict["candidates"]}
                page = browser.new_page(viewport={"width": 1300, "height": 2000})
                errors: list[str] = []
                _open(page, out, errors)
                assert errors == [], f"{name}: console errors {errors}"
                table = page.eval_on_selector_all(
                    "#parts-table tbody tr", "rows => rows.map(r => [r.querySelector('.mono').textContent, "
                                             "r.getAttribute('data-status')])")
                assert dict(table) == expected
                last = page.eval_on_selector_all(
                    "#funnel svg:last-of-type rect", "rs => rs.map(r => [r.getAttribute('data-id'), r.getAttribute('class')])")
                drawn = {i: ("consistent" if c == "consistent" else c) for i, c in last}
                # The last row is the verdict: a part drawn 'earlier' was ruled out before and keeps that status.
                assert {i for i, c in drawn.items() if c == "consistent"} == {i for i, s in expected.items()
                                                                              if s == "consistent"}
                # Filtering in the page: by status, then by text.
                page.select_option("#status", "consistent")
                visible = page.eval_on_selector_all("#parts-table tbody tr:not(.hidden)", "rs => rs.length")
                assert visible == sum(1 for s in expected.values() if s == "consistent")
                page.select_option("#status", "")
                page.fill("#filter", "nvidia-h100")
                visible_ids = page.eval_on_selector_all("#parts-table tbody tr:not(.hidden) .mono",
                                                        "rs => rs.map(r => r.textContent)")
                assert visible_ids and all(i.startswith("nvidia-h100") for i in visible_ids)
                page.fill("#filter", "")
                page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=True)
                page.close()
        finally:
            browser.close()


@pytest.mark.slow  # starts Chromium
def test_a_large_repository_report_is_small_and_loads_fast(tmp_path):
    """1,000 files with evidence: under 5 MB, and loaded in headless Chromium in under 2 s."""
    repo = tmp_path / "big"
    for i in range(1000):
        path = repo / f"pkg{i % 20}" / f"mod_{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("import torch\nimport torch.distributed as dist\n\n"
                        "def run():\n    dist.init_process_group(backend='nccl')\n"
                        "    return torch.zeros(1).to('cuda').to(torch.bfloat16)\n")
    out = tmp_path / "big.html"
    assert run_cli("--format", "html", "-o", str(out), str(repo)).exit_code == 0
    assert out.stat().st_size < 5 * 1024 * 1024
    api = _browser()
    with api.sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            page = browser.new_page()
            errors: list[str] = []
            seconds = _open(page, out, errors)
            assert errors == [] and seconds < 2.0, (errors, seconds)
        finally:
            browser.close()
