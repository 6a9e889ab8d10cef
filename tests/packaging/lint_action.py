"""Checks action.yml, the composite GitHub Action, which actionlint does not
lint by itself (it lints workflows):

1. its shape: the keys GitHub reads, a description for every input, a
   `shell` for every `run` step, every `${{ inputs.X }}` defined, every
   `steps.ID.outputs.X` written by an earlier step with that id;
2. its steps, as the steps of a generated workflow (`workflow_call` with
   the same inputs), through actionlint: expressions, contexts, the inputs
   of the actions it uses, and (with shellcheck on PATH) every `run` script.

Usage: python lint_action.py ACTION_YML ACTIONLINT SCRATCH_DIR
Needs PyYAML (a dependency of pre-commit).
"""

import re
import subprocess
import sys
from pathlib import Path

import yaml


def fail(errors):
    for error in errors:
        print(f"action.yml: {error}")
    sys.exit(1)


def shape(action):
    errors = []
    for key in ("name", "description", "inputs", "runs"):
        if key not in action:
            errors.append(f"missing top-level key `{key}`")
    unknown = set(action) - {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
    if unknown:
        errors.append(f"unknown top-level keys {sorted(unknown)}")
    inputs = action.get("inputs") or {}
    for name, spec in inputs.items():
        if not isinstance(spec, dict) or not spec.get("description"):
            errors.append(f"input `{name}` has no description")
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        errors.append("runs.using is not `composite`")
    steps = runs.get("steps") or []
    if not steps:
        errors.append("runs.steps is empty")

    text = yaml.safe_dump(action)
    for used in sorted(set(re.findall(r"\binputs\.([A-Za-z0-9_-]+)", text))):
        if used not in inputs:
            errors.append(f"`inputs.{used}` is not an input")

    written = {}  # step id -> outputs it writes
    for index, step in enumerate(steps):
        label = step.get("name") or step.get("id") or f"step {index + 1}"
        if ("run" in step) == ("uses" in step):
            errors.append(f"`{label}`: a step has either `run` or `uses`")
        if "run" in step and "shell" not in step:
            errors.append(f"`{label}`: a composite `run` step needs `shell`")
        step_text = yaml.safe_dump({k: v for k, v in step.items()})
        for sid, out in re.findall(r"\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", step_text):
            if sid not in written:
                errors.append(f"`{label}`: `steps.{sid}` is not an earlier step")
            elif written[sid] is not None and out not in written[sid]:
                errors.append(f"`{label}`: step `{sid}` writes no output `{out}`")
        if "id" in step:
            if "run" in step:
                written[step["id"]] = set(re.findall(r"echo \"([A-Za-z0-9_-]+)=", step["run"]))
            else:
                written[step["id"]] = None  # an action's outputs: not checked here
    return errors


def as_workflow(action):
    inputs = {}
    for name, spec in (action.get("inputs") or {}).items():
        entry = {"type": "string", "required": bool(spec.get("required", False))}
        if "default" in spec:
            entry["default"] = str(spec["default"])
        inputs[name] = entry
    return {
        "name": "action.yml as a workflow",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {"contents": "read", "security-events": "write"},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-latest",
                "steps": action["runs"]["steps"],
            }
        },
    }


def main():
    action_path, actionlint, scratch = sys.argv[1:4]
    action = yaml.safe_load(Path(action_path).read_text())
    errors = shape(action)
    if errors:
        fail(errors)
    print("action.yml: shape ok "
          f"({len(action['inputs'])} inputs, {len(action['runs']['steps'])} steps)")

    workflows = Path(scratch) / ".github" / "workflows"
    workflows.mkdir(parents=True, exist_ok=True)
    generated = workflows / "action-as-workflow.yml"
    generated.write_text(yaml.safe_dump(as_workflow(action), sort_keys=False))
    result = subprocess.run([actionlint, "-oneline", str(generated)], cwd=scratch)
    if result.returncode != 0:
        print(f"action.yml: actionlint found problems in its steps ({generated})")
        sys.exit(1)
    print("action.yml: steps pass actionlint")


if __name__ == "__main__":
    main()
