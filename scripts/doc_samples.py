"""Runs the code samples of docs/INTEGRATING.md against a real server, so the guide cannot go
stale. A sample is a fenced block whose info string has the word `sample` after its language:

- ```sh sample: run by bash (`set -euo pipefail`); what it exports is kept for the next
  samples (the token, the cursor…);
- ```python sample: run by python3 with that environment; ```python sample background: started
  and left running (a webhook receiver) until the end;
- ```rust sample=PATH: the file PATH of the repository, shown whole in the guide (checked
  equal), run with `cargo run -q -p guichet-client --example NAME`.

Usage: doc_samples.py GUIDE BASE_URL. Every sample must succeed.
"""
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\w+) sample(?:[= ](\S+))?\s*\n(.*?)^```\s*$", re.M | re.S)


def samples(text):
    for match in FENCE.finditer(text):
        yield match.group(1), match.group(2), match.group(3)


def run_shell(code, env):
    with tempfile.NamedTemporaryFile("rb", suffix=".env") as kept:
        script = f"set -euo pipefail\n{code}\nenv -0 > {kept.name}\n"
        subprocess.run(["bash", "-c", script], env=env, check=True)
        pairs = kept.read().split(b"\0")
    return dict(p.decode().split("=", 1) for p in pairs if b"=" in p)


def main():
    guide, base = sys.argv[1], sys.argv[2]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(guide, encoding="utf-8") as f:
        text = f.read()
    env = dict(os.environ, GUICHET_URL=base)
    background = []
    count = 0
    try:
        for language, option, code in samples(text):
            count += 1
            print(f"---- sample {count} ({language}{' ' + option if option else ''})", file=sys.stderr)
            if language == "sh":
                env = run_shell(code, env)
            elif language == "python" and option == "background":
                background.append(subprocess.Popen([sys.executable, "-c", code], env=env))
            elif language == "python":
                subprocess.run([sys.executable, "-c", code], env=env, check=True)
            elif language == "rust":
                path = os.path.join(repo, option)
                with open(path, encoding="utf-8") as f:
                    if f.read() != code:
                        sys.exit(f"the guide's copy of {option} differs from the file")
                example = os.path.splitext(os.path.basename(option))[0]
                subprocess.run(
                    ["cargo", "run", "-q", "-p", "guichet-client", "--example", example],
                    env=env, check=True, cwd=repo,
                )
            else:
                sys.exit(f"sample {count}: no runner for {language}")
    finally:
        for process in background:
            process.terminate()
    if count == 0:
        sys.exit("no sample found")
    print(f"all {count} samples of {guide} ran", file=sys.stderr)


if __name__ == "__main__":
    main()
