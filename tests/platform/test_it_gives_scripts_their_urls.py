"""Scripts get every app URL from their page's config (built with reverse()), never spell one:
a route renamed in urls.py cannot leave a script calling the old path."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

APP_PATHS = re.compile(r"""["'`]/(api|sessions|recordings|supervisor|accounts|admin|embed)/""")


def test_no_script_spells_an_app_path():
    scripts = sorted(Path(settings.BASE_DIR, "static", "js").glob("*.js"))
    assert scripts
    spelled = [
        f"{script.name}: {line.strip()}"
        for script in scripts
        for line in script.read_text().splitlines()
        if APP_PATHS.search(line)
    ]
    assert spelled == []
