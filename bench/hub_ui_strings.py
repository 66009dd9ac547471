"""Which texts a learner sees in English in JupyterLab on the hub (measured, not guessed).

    sudo .venv/bin/python bench/hub_ui_strings.py

Starts the test hub (tests/hub_fixture.py), releases `vage`, signs up a learner
and opens her JupyterLab in Debian's Chromium (Playwright). Records the text of
the menu bar and of every top menu, the launcher, the status bar, nbgrader's
assignment list before and after «Fetch», the file browser's toolbar, and the
notebook's toolbar. Writes bench/results/hub_ui_strings.json; docs/drift.md
lists what stays English.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hub_browser import leader_and_learner_in_lab  # noqa: E402
from hub_fixture import PASSWORD, running_hub  # noqa: E402


def texts(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts() if t.strip()]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from browser import launch

    out: dict = {}
    with running_hub() as hub, sync_playwright() as pw:
        b = launch(pw)
        hub.kursleder("deltakere", "importer", str(hub.roster_csv))
        hub.kursleder("del-ut", "vage")
        _kari, page = leader_and_learner_in_lab(b, hub, "anna", PASSWORD)
        page.goto(f"{hub.url}/hub/home")
        out["hub_startside"] = texts(page, "main a, main button")
        page.goto(f"{hub.url}/user/anna/lab")
        page.locator("#jp-main-dock-panel").wait_for()
        page.wait_for_timeout(3000)
        out["lang"] = page.evaluate("document.documentElement.lang")
        menus = texts(page, "#jp-menu-panel .lm-MenuBar-itemLabel")
        out["menylinje"] = menus
        out["menyer"] = {}
        for m in menus:
            page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=m).first.click()
            page.wait_for_timeout(300)
            out["menyer"][m] = texts(page, ".lm-Menu:visible .lm-Menu-itemLabel")
            page.keyboard.press("Escape")
        out["startside_launcher"] = texts(page, ".jp-Launcher-sectionTitle, .jp-LauncherCard-label")
        out["statuslinje"] = texts(page, "#jp-bottom-panel, .jp-StatusBar-Widget")
        out["sidefelt_faner"] = [t.get_attribute("title") or t.inner_text() for t in
                                 page.locator(".jp-SideBar .lm-TabBar-tab").all()]
        out["filleser_verktoy"] = [t.get_attribute("title") or t.inner_text() for t in
                                   page.locator(".jp-FileBrowser-toolbar button, .jp-FileBrowser-toolbar jp-button").all()]
        page.get_by_text("Nbgrader", exact=True).first.click()
        page.get_by_text("Assignment List", exact=True).first.click()
        page.locator("#released_assignments_list").get_by_text("vage").wait_for()
        out["oppgavelisten_fane"] = texts(page, ".lm-DockPanel-tabBar .lm-TabBar-tabLabel")
        out["oppgavelisten"] = page.locator(".lm-Widget:has(#released_assignments_list)").last.inner_text()
        page.locator("#released_assignments_list").get_by_role("button", name="Fetch").click()
        page.locator("#fetched_assignments_list").get_by_text("vage").first.wait_for()
        page.wait_for_timeout(1000)
        out["oppgavelisten_etter_henting"] = page.locator(".lm-Widget:has(#fetched_assignments_list)").last.inner_text()
        out["knapper_oppgavelisten"] = sorted(set(texts(page, "#fetched_assignments_list button, "
                                                              "#released_assignments_list button, "
                                                              "#submitted_assignments_list button")))
        page.goto(f"{hub.url}/user/anna/lab/tree/vage/vage.ipynb")
        page.locator(".jp-Notebook").first.wait_for()
        page.wait_for_timeout(3000)
        out["notatbok_verktoy"] = [t.get_attribute("title") or t.inner_text() for t in
                                   page.locator(".jp-NotebookPanel-toolbar button, .jp-NotebookPanel-toolbar jp-button").all()]
        out["notatbok_statuslinje"] = texts(page, ".jp-StatusBar-Widget")
        page.screenshot(path="/tmp/kd-ui-notatbok.png")
    res = ROOT / "bench" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / "hub_ui_strings.json").write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
