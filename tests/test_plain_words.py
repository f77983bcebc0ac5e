"""What the pages, messages and exports say cites documents as people cite them: 穗人社函〔2020〕22号 之九 二,
never the registry's own shorthand for its policy files (004, 004_….txt), DOMAIN.md or an issue number.
Code comments and docstrings may keep the file numbers; templates and every other string may not."""
import ast
import re
from pathlib import Path

REGISTRY = Path(__file__).resolve().parent.parent / "registry"
SHORTHAND = re.compile(r"[(（]00\d[)）]|(?<![\d.\-\w])00\d 之|DOMAIN\.md|\bissue \d|\(文件 ")
#: A policy file named in code (catalogue.PolicySource, POLICY_DOCUMENTS): kept there, never shown.
POLICY_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def test_no_string_the_application_may_show_cites_a_policy_file_by_its_number():
    offending = []
    for path in sorted(REGISTRY.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docstrings:
                continue
            text = node.value
            if SHORTHAND.search(text) or (".txt" in text and not POLICY_FILE.fullmatch(text)):
                offending.append(f"{path.relative_to(REGISTRY)}:{node.lineno}: {text[:80]}")
    assert offending == []


def test_no_template_cites_a_policy_file_by_its_number_or_name():
    offending = []
    for path in sorted((REGISTRY / "templates").rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)  # comments may
        for number, line in enumerate(text.splitlines(), 1):
            if SHORTHAND.search(line) or ".txt" in line:
                offending.append(f"{path.relative_to(REGISTRY)}:{number}: {line.strip()[:80]}")
    assert offending == []
