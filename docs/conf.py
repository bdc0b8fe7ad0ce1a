"""Sphinx configuration for skop. Build with ``sphinx-build -W -b html docs docs/_build``."""

import os
import sys
from pathlib import Path

os.environ.setdefault("SKOP_EXAMPLE_QUICK", "0")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skop  # noqa: E402

project = "skop"
author = "skop developers"
copyright = "2026, skop developers"
release = skop.__version__
version = skop.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Cross-references to numpy / sklearn / torch types in docstrings resolve through
# intersphinx when online; offline builds must not fail on them.
numpydoc_xref_param_type = False
nitpicky = False

intersphinx_mapping = {}

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/**/*.ipynb"]

html_theme = "pydata_sphinx_theme"
html_title = "skop"
html_theme_options = {"navigation_with_keys": False}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": os.environ.get("SKOP_DOCS_PLOT_GALLERY", "True"),
}


def _skip_metadata_request_setters(app, what, name, obj, skip, options):
    # scikit-learn generates set_{fit,score,...}_request methods whose
    # docstrings are not numpydoc-clean; they are documented by scikit-learn.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_setters)
