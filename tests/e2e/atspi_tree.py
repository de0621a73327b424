"""What a screen reader gets from the running Veo Desk window, read over AT-SPI (the
Linux accessibility bus) with Debian's python3-pyatspi. Called by tests/e2e/screen_reader.rs.

Prints one JSON object: every control shown on screen with its role, name and states,
and which accessible has the keyboard focus.
"""

import json
import sys
import time

import pyatspi

# Roles a user operates, which must each say what they are for.
CONTROLS = {
    "push button", "toggle button", "check box", "radio button", "combo box", "entry",
    "password text", "spin button", "slider", "link", "list box", "menu item", "page tab",
}


def find_app(name, patience=20):
    deadline = time.time() + patience
    while time.time() < deadline:
        for app in pyatspi.Registry.getDesktop(0):
            if app is not None and app.name == name:
                return app
        time.sleep(0.2)
    sys.exit(f"no application named {name!r} on the accessibility bus")


def walk(node, found, depth=0):
    if depth > 60:
        return
    try:
        role = node.getRoleName()
        states = node.getState()
        showing = states.contains(pyatspi.STATE_SHOWING) and states.contains(pyatspi.STATE_VISIBLE)
        if states.contains(pyatspi.STATE_FOCUSED):
            found["focused"] = {"role": role, "name": node.name or ""}
        operable = role in CONTROLS or (role == "unknown" and states.contains(pyatspi.STATE_FOCUSABLE))
        if operable and showing:
            found["controls"].append({
                "role": role,
                "name": (node.name or "").strip(),
                "focusable": states.contains(pyatspi.STATE_FOCUSABLE),
            })
        # Hidden branches (a closed dialog, a folded panel) say nothing to a user.
        if not showing and role not in ("application", "frame", "filler", "scroll pane"):
            return
        for i in range(node.childCount):
            child = node.getChildAtIndex(i)
            if child is not None:
                walk(child, found, depth + 1)
    except Exception:  # a node that went away while being read
        return


def main():
    found = {"controls": [], "focused": None}
    walk(find_app(sys.argv[1] if len(sys.argv) > 1 else "veo-desk"), found)
    print(json.dumps(found, ensure_ascii=False))


main()
