#!/usr/bin/env bash
# Checks docker/Dockerfile and docker/compose.yaml as far as is possible without a Docker daemon,
# then publishes the silo the way the Dockerfile does and starts it once on loopback.
#
#   docker/validate.sh                # everything
#   docker/validate.sh --no-publish   # static checks only (no dotnet publish, no silo start)
#
# Not part of CI. Needs python3 (with PyYAML for the compose checks) and, for the publish step, the
# .NET SDK. It does not build the image: that needs a daemon (docker build -f docker/Dockerfile .).
set -uo pipefail
cd "$(dirname "$0")/.."

publish=1
[[ "${1:-}" == "--no-publish" ]] && publish=0

failures=0
pass() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
skip() { printf '  skip  %s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }

section "compose file"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  compose=()
fi
if ((${#compose[@]})); then
  if out=$("${compose[@]}" -f docker/compose.yaml config -q 2>&1); then
    pass "${compose[*]} -f docker/compose.yaml config ($("${compose[@]}" version --short 2>/dev/null || true))"
  else
    fail "${compose[*]} config: $out"
  fi
  services=$("${compose[@]}" -f docker/compose.yaml config --services 2>/dev/null | sort | tr '\n' ' ')
  [[ "$services" == "migrate postgres silo1 silo2 " ]] && pass "services: $services" || fail "services: $services"
else
  skip "neither 'docker compose' nor 'docker-compose' is installed; only the YAML checks below"
fi

section "Dockerfile, compose and app agree"
python3 - <<'PY' || failures=$((failures + 1))
import fnmatch, ipaddress, os, re, shlex, subprocess, sys

bad = 0
def ok(msg): print(f"  ok    {msg}")
def fail(msg):
    global bad
    bad += 1
    print(f"  FAIL  {msg}")

# Dockerfile: join continuation lines, drop comments.
lines, cur = [], ""
for raw in open("docker/Dockerfile"):
    s = raw.rstrip("\n")
    if not cur and s.lstrip().startswith("#"):
        continue
    if s.endswith("\\"):
        cur += s[:-1] + " "
        continue
    cur += s
    if cur.strip():
        lines.append(cur.strip())
    cur = ""
instr = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l else "") for l in lines]

ignore = [p.strip().rstrip("/") for p in open(".dockerignore") if p.strip() and not p.startswith("#")]
def ignored(path):
    path = os.path.normpath(path)
    parts = path.split(os.sep)
    for pat in ignore:
        pat = pat[3:] if pat.startswith("**/") else pat
        for i in range(len(parts)):
            if fnmatch.fnmatch(os.path.join(*parts[: i + 1]), pat) or fnmatch.fnmatch(parts[i], pat) and "/" not in pat:
                return True
    return False

# Every COPY from the build context names something that exists and is not dockerignored.
for name, args in instr:
    if name != "COPY":
        continue
    words = shlex.split(args)
    if any(w.startswith("--from") for w in words):
        continue
    srcs = [w for w in words if not w.startswith("--")][:-1]
    for src in srcs:
        if src in (".", "./"):
            ok(f"COPY {src}: the whole context (filtered by .dockerignore)")
        elif not os.path.exists(src):
            fail(f"COPY {src}: not in the repository")
        elif ignored(src):
            fail(f"COPY {src}: excluded by .dockerignore")
        else:
            ok(f"COPY {src}: exists, not dockerignored")

# Files the build reads must survive .dockerignore.
for need in ["Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig",
             "src/Silo/Parking.Silo.csproj", "src/Silo/appsettings.json"]:
    (fail if ignored(need) or not os.path.exists(need) else ok)(f"build input {need} exists and reaches the context")
tracked = subprocess.run(["git", "ls-files", "src"], capture_output=True, text=True).stdout.split()
leaked = [f for f in tracked if ignored(f)]
(fail if leaked else ok)(f"no tracked file under src/ is dockerignored {leaked[:5] if leaked else ''}")

# restore/publish name the Silo project, and the entry point is the dll it produces.
text = "\n".join(a for _, a in instr)
for verb in ("restore", "publish"):
    m = re.search(rf"dotnet {verb} (\S+)", text)
    if not m:
        fail(f"no 'dotnet {verb}' in the Dockerfile")
    elif not os.path.isfile(m.group(1)):
        fail(f"dotnet {verb} {m.group(1)}: no such project")
    else:
        ok(f"dotnet {verb} {m.group(1)}: project exists")
proj = re.search(r"dotnet publish (\S+)", text).group(1)
target = subprocess.run(["dotnet", "msbuild", proj, "-getProperty:TargetFileName", "-p:Configuration=Release"],
                        capture_output=True, text=True).stdout.strip()
entry = next(a for n, a in instr if n == "ENTRYPOINT")
(ok if target and target in entry else fail)(f"ENTRYPOINT {entry} runs {target or '?'} (TargetFileName of {proj})")

env = {}
for n, a in instr:
    if n == "ENV":
        for w in shlex.split(a):
            k, _, v = w.partition("=")
            env[k] = v
exposed = {int(p.split("/")[0]) for n, a in instr if n == "EXPOSE" for p in a.split()}
http_port = int(re.search(r":(\d+)", env.get("Urls", "")).group(1))
silo_port = int(env["Parking__Cluster__SiloPort"])
gateway_port = int(env["Parking__Cluster__GatewayPort"])
(ok if exposed == {http_port, silo_port, gateway_port} else fail)(
    f"EXPOSE {sorted(exposed)} = Urls {http_port}, SiloPort {silo_port}, GatewayPort {gateway_port}")
health = next(a for n, a in instr if n == "HEALTHCHECK")
(ok if f"127.0.0.1:{http_port}/health/live" in health else fail)("HEALTHCHECK asks /health/live on the HTTP port")

# The configuration keys the image and compose set are ones the app reads.
src = ""
for root, _, files in os.walk("src"):
    if "/obj" in root or "/bin" in root:
        continue
    for f in files:
        if f.endswith((".cs", ".json")):
            src += open(os.path.join(root, f), encoding="utf-8").read()
def key_read(key):
    if key.startswith("ConnectionStrings__"):
        name = key.split("__", 1)[1]
        return re.search(rf'GetConnectionString\(\s*"{name}"|ConnectionStrings:{name}', src) is not None
    last = key.split("__")[-1]
    return re.search(rf"\b{re.escape(last)}\b", src) is not None

try:
    import yaml
except ImportError:
    print("  skip  PyYAML missing: compose cross-checks not run")
    sys.exit(1 if bad else 0)

compose = yaml.safe_load(open("docker/compose.yaml"))
svcs = compose["services"]
silos = [s for s in svcs if s.startswith("silo")]
subnet = ipaddress.ip_network(compose["networks"]["parking"]["ipam"]["config"][0]["subnet"])
seen_ips, seen_host_ports = set(), set()
for s in silos:
    svc = svcs[s]
    e = svc["environment"]
    for key in e:
        if key.startswith("Parking__") or key.startswith("ConnectionStrings__") or key == "Urls":
            (ok if key_read(key) else fail)(f"{s}: {key} is a key the app reads")
    cport = int(re.search(r":(\d+)", e.get("Urls", env["Urls"])).group(1))
    (ok if cport in exposed else fail)(f"{s}: Urls port {cport} is EXPOSEd")
    for k, want in (("Parking__Cluster__SiloPort", silo_port), ("Parking__Cluster__GatewayPort", gateway_port)):
        (ok if int(e.get(k, want)) == want else fail)(f"{s}: {k}={e.get(k, want)} matches EXPOSE")
    for p in svc.get("ports", []):
        host, _, container = str(p).rpartition(":")
        (ok if int(container) == cport else fail)(f"{s}: publishes {p} onto the HTTP port")
        (fail if host in seen_host_ports else ok)(f"{s}: host port {host} not used by another silo")
        seen_host_ports.add(host)
    ip = svc["networks"]["parking"]["ipv4_address"]
    adv = e.get("Parking__Cluster__AdvertisedIp")
    (ok if adv == ip else fail)(f"{s}: AdvertisedIp {adv} = its ipv4_address {ip}")
    (ok if ipaddress.ip_address(ip) in subnet and ip not in seen_ips else fail)(f"{s}: {ip} unique and in {subnet}")
    seen_ips.add(ip)
    test = " ".join(svc["healthcheck"]["test"])
    (ok if f":{cport}/health/ready" in test else fail)(f"{s}: healthcheck asks /health/ready on {cport}")
    deps = svc["depends_on"]
    (ok if deps.get("migrate", {}).get("condition") == "service_completed_successfully" else fail)(
        f"{s}: waits for migrate to complete successfully")
    (ok if svc.get("restart") == "unless-stopped" else fail)(f"{s}: restart unless-stopped")
keys = {k: v for s in silos for k, v in svcs[s]["environment"].items() if k == "Parking__Auth__SigningKey"}
(ok if len({svcs[s]["environment"].get("Parking__Auth__SigningKey") for s in silos}) == 1 and keys else fail)(
    "every silo has the same Parking__Auth__SigningKey")
(ok if svcs["migrate"].get("command") == ["migrate"] else fail)("migrate runs the image with 'migrate'")
(ok if re.search(r'"migrate"', src) else fail)("the app handles a 'migrate' argument")
(ok if svcs["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy" else fail)("migrate waits for postgres healthy")
(ok if "pg_isready" in " ".join(svcs["postgres"]["healthcheck"]["test"]) else fail)("postgres healthcheck is pg_isready")
for path in ("/health/live", "/health/ready"):
    (ok if path in src else fail)(f"the app maps {path}")
sys.exit(1 if bad else 0)
PY

section "docker build --check"
if out=$(docker build --check -f docker/Dockerfile . 2>&1); then
  pass "docker build --check"
else
  # Without the buildx plugin 'docker build' is the legacy builder, which has no --check; with
  # buildx, --check still sends the context to a BuildKit daemon.
  skip "docker build --check: $(printf '%s\n' "$out" | grep -v -e '^ *$' -e DEPRECATED -e 'Install the buildx' -e 'go/buildx' | head -n 1)"
fi

if ((publish)); then
  section "publish and start the silo (embedded default)"
  out_dir=/tmp/parking-publish
  rm -rf "$out_dir"
  rid=linux-$([[ "$(uname -m)" == aarch64 ]] && echo arm64 || echo x64)
  if dotnet publish src/Silo/Parking.Silo.csproj -c Release -r "$rid" --self-contained false -o "$out_dir" -p:UseAppHost=false -nologo -v quiet >/tmp/parking-publish.log 2>&1; then
    pass "dotnet publish src/Silo -c Release -r $rid -o $out_dir ($(du -sh "$out_dir" | cut -f1))"
  else
    fail "dotnet publish failed (see /tmp/parking-publish.log):"; tail -n 20 /tmp/parking-publish.log
  fi
  # A ReadyToRun image carries the READYTORUN header's signature ("RTR"); an IL-only one does not.
  for dll in Parking.Silo.dll Parking.Grains.dll Parking.Domain.dll; do
    if [[ -f "$out_dir/$dll" ]] && python3 -c "import sys; sys.exit(0 if b'RTR\x00' in open(sys.argv[1], 'rb').read() else 1)" "$out_dir/$dll"; then
      pass "$dll is precompiled (ReadyToRun)"
    else
      fail "$dll is not precompiled (ReadyToRun): PublishReadyToRun in src/Silo/Parking.Silo.csproj?"
    fi
  done
  if [[ -f "$out_dir/Parking.Silo.dll" ]]; then
    url=http://127.0.0.1:5123
    log=/tmp/parking-silo.log
    env -u ConnectionStrings__Parking Urls=$url Parking__Cluster__SiloPort=11411 Parking__Cluster__GatewayPort=30411 \
      dotnet "$out_dir/Parking.Silo.dll" >"$log" 2>&1 &
    pid=$!
    status=000
    for _ in $(seq 1 120); do
      status=$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready" || true)
      [[ "$status" == 200 ]] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if [[ "$status" == 200 ]]; then
      pass "dotnet $out_dir/Parking.Silo.dll: $url/health/ready answered 200"
      live=$(curl -s -o /dev/null -w '%{http_code}' "$url/health/live" || true)
      [[ "$live" == 200 ]] && pass "$url/health/live answered 200" || fail "$url/health/live answered $live"
    else
      fail "the silo did not become ready (last status $status); log: $log"; tail -n 20 "$log"
    fi
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    pass "stopped the silo (pid $pid)"
  fi
else
  section "publish and start"
  skip "--no-publish"
fi

printf '\n%s\n' "$( ((failures)) && echo "validate: $failures check group(s) failed" || echo "validate: all checks passed")"
exit $((failures > 0))
