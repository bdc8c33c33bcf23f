#!/usr/bin/env bash
# Abuse test of `sensevoice serve` on loopback (issue 15): what a hostile or careless client can do
# to memory, slots and disk. Every scenario is bounded in time and count and talks to 127.0.0.1 only.
#
# Usage: scripts/abuse-test.sh [--binary PATH] [--model DIR] [--vad-model DIR] [--uploads 40]
#                              [--upload-mb 94] [--slow 64] [--slow-seconds 60] [--out DIR]
#                              [--only jobs-upload,sync-upload,slow-clients,over-long]
#
# Scenarios (a fresh server and data folder each):
#   1. jobs-upload: N concurrent uploads of one M MB WAV (~51 min) to POST /api/v1/jobs;
#      peak and final RSS of the server (the jobs are deleted once all are in).
#   2. sync-upload: the same to POST /api/v1/transcriptions (a 51-minute file is over the
#      synchronous --max-duration-s 300, so each is refused from its header after it arrived).
#   3. slow-clients: latency of normal requests (GET /health and a 6 s transcription) alone, then
#      while S clients trickle 1 byte every 3 s (half of them in the headers, half in a body) for
#      --slow-seconds, reconnecting whenever the server cuts them off.
#   4. over-long: the 51-minute file to a server started with --max-job-duration-s of half that is refused
#      (413 audio_too_long) before any job is queued; the time to the answer and what is left on disk.
# Prints one line of figures per scenario; details go to --out (default .build/test-artifacts/abuse).
# Needs curl and python3. Uses the release binary when it is built, else the debug one.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
model="Tests/Fixtures/tiny-sensevoice"
vad_model=".cache/models/fsmn-vad"
uploads=40
upload_mb=94
slow=64
slow_seconds=60
out=".build/test-artifacts/abuse"
only="jobs-upload,sync-upload,slow-clients,over-long"
while (( $# )); do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --model) model="$2"; shift 2 ;;
        --vad-model) vad_model="$2"; shift 2 ;;
        --uploads) uploads="$2"; shift 2 ;;
        --upload-mb) upload_mb="$2"; shift 2 ;;
        --slow) slow="$2"; shift 2 ;;
        --slow-seconds) slow_seconds="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [[ -z "$binary" ]]; then
    if [[ -x .build/release/sensevoice ]]; then binary=.build/release/sensevoice; else binary=.build/debug/sensevoice; fi
fi
[[ -x "$binary" ]] || { echo "no server binary at $binary; run swift build -c release" >&2; exit 1; }
command -v curl >/dev/null || { echo "SKIP abuse test: curl is missing"; exit 77; }
(( uploads >= 1 && uploads <= 200 && slow >= 0 && slow <= 500 && slow_seconds >= 1 && slow_seconds <= 600 )) \
    || { echo "--uploads 1…200, --slow 0…500, --slow-seconds 1…600" >&2; exit 2; }
vad_args=(--no-vad)
[[ -f "$vad_model/model.pt" ]] && vad_args=(--vad-model "$vad_model")
mkdir -p "$out"
work=$(mktemp -d /tmp/sv-abuse-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "binary $binary ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)), model $model, ${vad_args[*]}"

exec python3 - "$binary" "$model" "$work" "$out" "$uploads" "$upload_mb" "$slow" "$slow_seconds" "$only" "${vad_args[@]}" <<'PY'
import json, os, re, socket, statistics, struct, subprocess, sys, threading, time, urllib.request

binary, model, work, out = sys.argv[1:5]
uploads, upload_mb, slow, slow_seconds = map(int, sys.argv[5:9])
only = set(sys.argv[9].split(","))
vad_args = sys.argv[10:]
clip = "Tests/Fixtures/audio/en.wav"
report = {}


def make_wav(path, megabytes):
    """A 16 kHz mono 16-bit WAV of noise filling `megabytes` MB (94 MB ≈ 51 min)."""
    n = (megabytes * 1024 * 1024 - 44) // 2
    block = bytes((i * 7919 + 13) % 251 for i in range(1 << 20))
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + 2 * n) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16))
        f.write(b"data" + struct.pack("<I", 2 * n))
        left = 2 * n
        while left:
            f.write(block[:min(left, len(block))])
            left -= min(left, len(block))
    return n / 16000


class Server:
    def __init__(self, name, extra):
        self.data = os.path.join(work, name)
        os.makedirs(self.data)
        self.log = open(os.path.join(out, f"{name}.server.log"), "w")
        self.process = subprocess.Popen([binary, "serve", "--model", model, "--host", "127.0.0.1", "--port", "0",
                                         "--data-dir", self.data, "--workers", "1", "--log-level", "notice"] + vad_args + extra,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.port = None
        found = threading.Event()

        def read():
            for line in self.process.stderr:
                self.log.write(line)
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
                if m and not self.port:
                    self.port = int(m.group(1))
                    found.set()
        threading.Thread(target=read, daemon=True).start()
        if not found.wait(60):
            raise SystemExit(f"{name}: the server did not start")
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url("/ready"), timeout=5).status == 200:
                    break
            except Exception:
                time.sleep(0.2)
        self.peak = 0
        self.sampling = True
        threading.Thread(target=self.sample, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def rss(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024

    def sample(self):
        while self.sampling and self.process.poll() is None:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.05)

    def settle(self, seconds=5):
        time.sleep(seconds)
        return self.rss()

    def wait_idle(self, limit=180):
        """Waits (at most `limit` s) until no transcription runs: a deleted job stops at its next check."""
        deadline = time.time() + limit
        while time.time() < deadline:
            text = urllib.request.urlopen(self.url("/metrics"), timeout=30).read().decode()
            m = re.search(r"^sensevoice_inference_running\S* (\d+)", text, re.M)
            if m and m.group(1) == "0":
                return round(time.time() - (deadline - limit), 1)
            time.sleep(0.5)
        return None

    def stop(self):
        self.sampling = False
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def curl_uploads(server, route, path, count, timeout=900):
    """`count` concurrent multipart uploads with curl (streamed from disk); status counts and seconds."""
    start = time.time()
    procs = [subprocess.Popen(["curl", "-s", "-o", os.path.join(work, f"answer-{i}.json"), "-w", "%{http_code}",
                               "--max-time", str(timeout), "-F", f"file=@{path}", server.url(route)],
                              stdout=subprocess.PIPE, text=True) for i in range(count)]
    codes = {}
    for p in procs:
        code = p.communicate()[0].strip() or "none"
        codes[code] = codes.get(code, 0) + 1
    return codes, time.time() - start


def request_seconds(server, fn, count):
    times = []
    for _ in range(count):
        start = time.time()
        fn()
        times.append(time.time() - start)
    return times


def get_health(server):
    urllib.request.urlopen(server.url("/health"), timeout=60).read()


def post_clip(server):
    subprocess.run(["curl", "-s", "-o", "/dev/null", "--max-time", "120", "-F", f"file=@{clip}", server.url("/api/v1/transcriptions")],
                   check=True)


def summary(times):
    times = sorted(times)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1)}


big = os.path.join(work, "meeting.wav")
minutes = make_wav(big, upload_mb) / 60

# 1 and 2: concurrent large uploads, on both routes.
for name, route in [("jobs-upload", "/api/v1/jobs"), ("sync-upload", "/api/v1/transcriptions")]:
    if name not in only:
        continue
    server = Server(name, [])
    baseline = server.settle(2)
    server.peak = baseline
    codes, seconds = curl_uploads(server, route, big, uploads)
    upload_peak = server.peak
    if route == "/api/v1/jobs":
        jobs = json.load(urllib.request.urlopen(server.url("/api/v1/jobs?limit=500"), timeout=60))["jobs"]
        for job in jobs:
            urllib.request.urlopen(urllib.request.Request(server.url(f"/api/v1/jobs/{job['id']}"), method="DELETE"), timeout=60)
    idle = server.wait_idle()
    final = server.settle(5)
    peak = max(server.peak, final)
    report[name] = {"uploads": uploads, "file_mb": upload_mb, "file_minutes": round(minutes, 1), "statuses": codes,
                    "seconds": round(seconds, 1), "rss_baseline_mb": baseline, "rss_peak_while_uploading_mb": upload_peak,
                    "rss_peak_mb": peak, "rss_final_mb": final,
                    "seconds_until_idle": idle}
    server.stop()
    print(f"{name}: {uploads} × {upload_mb} MB ({minutes:.0f} min) → {codes} in {seconds:.1f} s; "
          f"RSS baseline {baseline} MB, peak {upload_peak} MB while uploading, {peak} MB overall, final {final} MB", flush=True)

# 3: normal requests with and without slow clients.
def slow_clients():
    server = Server("slow-clients", [])
    get_health(server)
    post_clip(server)
    alone = {"health": summary(request_seconds(server, lambda: get_health(server), 50)),
             "transcribe": summary(request_seconds(server, lambda: post_clip(server), 10))}
    stop = time.time() + slow_seconds
    cut = {"header": 0, "body": 0}
    lock = threading.Lock()


    def trickler(kind):
        while time.time() < stop:
            try:
                s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
                if kind == "header":
                    s.sendall(b"POST /api/v1/transcriptions HTTP/1.1\r\nHost: x\r\n")
                else:
                    s.sendall(b"POST /api/v1/transcriptions HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                              b"Content-Length: 100000000\r\n\r\n")
                while time.time() < stop:
                    s.sendall(b"x")
                    s.settimeout(3)
                    try:
                        if s.recv(65536) == b"":
                            raise ConnectionResetError
                    except socket.timeout:
                        pass
                s.close()
            except OSError:
                with lock:
                    cut[kind] += 1
                time.sleep(0.5)


    threads = [threading.Thread(target=trickler, args=("header" if i % 2 else "body",), daemon=True) for i in range(slow)]
    for t in threads:
        t.start()
    time.sleep(3)
    during = {"health": summary(request_seconds(server, lambda: get_health(server), 50)),
              "transcribe": summary(request_seconds(server, lambda: post_clip(server), 10))}
    for t in threads:
        t.join(slow_seconds + 30)
    report["slow-clients"] = {"clients": slow, "seconds": slow_seconds, "alone": alone, "during": during, "cut_off": cut,
                              "rss_peak_mb": server.peak}
    server.stop()
    print(f"slow-clients: {slow} clients × 1 byte / 3 s for {slow_seconds} s; health median {alone['health']['median_ms']} → "
          f"{during['health']['median_ms']} ms, transcribe (6.4 s clip) median {alone['transcribe']['median_ms']} → "
          f"{during['transcribe']['median_ms']} ms (p95 {alone['transcribe']['p95_ms']} → {during['transcribe']['p95_ms']} ms); "
          f"connections cut off: {cut['header']} in headers, {cut['body']} in bodies", flush=True)


# 4: an over-long file is refused before it is queued.
def over_long():
    limit = max(1, int(minutes * 60 / 2))
    server = Server("over-long", ["--max-job-duration-s", str(limit)])
    start = time.time()
    answer = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", "-F", f"file=@{big}", server.url("/api/v1/jobs")],
                            capture_output=True, text=True).stdout
    body, code = answer.rsplit("\n", 1)
    seconds = time.time() - start
    queued = len(json.load(urllib.request.urlopen(server.url("/api/v1/jobs"), timeout=60))["jobs"])
    left = sum(len(files) for _, _, files in os.walk(os.path.join(server.data, "audio"))) + \
        sum(len(files) for _, _, files in os.walk(os.path.join(server.data, "uploads")))
    message = json.loads(body)["error"]["message"] if body.startswith("{") else body[:200]
    report["over-long"] = {"status": code, "seconds": round(seconds, 2), "jobs_queued": queued, "files_left": left, "message": message}
    server.stop()
    print(f"over-long: {minutes:.0f}-minute file with --max-job-duration-s {limit} → {code} in {seconds:.2f} s, "
          f"{queued} jobs queued, {left} files left; \"{message}\"", flush=True)


if "slow-clients" in only:
    slow_clients()
if "over-long" in only:
    over_long()

with open(os.path.join(out, "abuse.json"), "w") as f:
    json.dump(report, f, indent=1)
print(f"figures in {os.path.join(out, 'abuse.json')}")
PY
