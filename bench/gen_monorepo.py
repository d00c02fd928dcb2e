#!/usr/bin/env python3
"""Generate a deterministic synthetic integrations monorepo for benchmarking connlint.

    python3 bench/gen_monorepo.py --files 10000 --out bench/out/repo-10000

The repository holds integration folders of several kinds. connlint reads:
  * Anaplan Connect shell jobs (.sh), which source config/config.sh
  * Anaplan Connect Windows jobs (.bat, CRLF), which `call config.bat`
  * Java services: Dockerfile, pom.xml, application.properties
  * Salesforce Data Loader settings (config.properties, process-conf.xml)
  * Heroku workers (system.properties, Procfile)
It also holds filler that connlint doesn't read: README/runbook markdown, CSV data,
.sdl mappings, Java sources, a few binary files (PNG, XLSX), and build output and
logs that the root .gitignore excludes.

A small share of folders (--broken-rate) has one injected problem: an old Java
(JAVA_HOME jdk1.7/jdk1.6/8u151, FROM openjdk:7, java.runtime.version=1.7),
legacy TLS (-Dhttps.protocols=TLSv1,...), an Anaplan Connect 1.3 jar with the API 1.3
endpoint, or a plaintext password. --manifest FILE lists each injected problem
(path, kind, literal text).

The output depends only on --files, --seed and --broken-rate (fixed dates, no
timestamps, no hash-order iteration), and it contains exactly --files files, the
marker file included. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import struct
import sys
import zlib
from pathlib import Path

MARKER = ".bench-monorepo"
GENERATOR_VERSION = 1

COMPANY = "kestrel"
TEAMS = [
    "finance", "fpa", "sales-ops", "supply-chain", "hr", "marketing",
    "data-platform", "procurement", "treasury", "workforce",
]
MODELS = [
    "Demand Forecast", "Headcount Plan", "Opex Budget", "Sales Pipeline",
    "Territory Plan", "Inventory Plan", "Revenue Forecast", "Capex Plan",
    "Comp Plan", "Price Book", "Cash Forecast", "Supplier Scorecard",
]
LISTS = [
    "Cost Centres", "Products", "Regions", "Employees", "Accounts", "SKUs",
    "Suppliers", "Territories", "Projects", "Channels", "Entities", "Plants",
]
SF_ENTITIES = ["Account", "Contact", "Opportunity", "Lead", "Product2", "Quote", "Case"]
VERBS = ["load", "import", "sync", "refresh", "push", "export", "pull", "publish"]
WORDS = [
    "daily", "nightly", "weekly", "monthly", "quarterly", "adhoc", "delta", "full",
    "eu", "us", "apac", "latam", "retail", "wholesale", "online", "stores",
]

GOOD_JDK8 = ["202", "211", "241", "261", "281", "301", "341", "381", "401"]
GOOD_JAVA_HOMES = (
    [f"/usr/lib/jvm/jdk1.8.0_{u}" for u in GOOD_JDK8]
    + ["/usr/lib/jvm/java-11-openjdk-amd64", "/usr/lib/jvm/temurin-17-jdk-amd64",
       "/opt/java/jdk-11.0.21", "/opt/java/jdk-17.0.9"]
)
BAD_JAVA_HOMES = [
    "/usr/lib/jvm/jdk1.7.0_80", "/usr/lib/jvm/jdk1.7.0_21", "/opt/jdk1.6.0_45",
    "/usr/lib/jvm/jdk1.8.0_151", "/usr/lib/jvm/jdk1.8.0_121", "/usr/lib/jvm/java-7-openjdk-amd64",
]
GOOD_WIN_JAVA = [
    r"C:\Program Files\Java\jre1.8.0_202", r"C:\Program Files\Java\jre1.8.0_281",
    r"C:\Program Files\Java\jre1.8.0_341",
    r"C:\Program Files\Eclipse Adoptium\jdk-17.0.9.9-hotspot",
]
BAD_WIN_JAVA = [
    r"C:\Program Files\Java\jre1.8.0_151", r"C:\Program Files\Java\jre1.8.0_111",
    r"C:\Program Files\Java\jre7", r"C:\Program Files (x86)\Java\jre1.7.0_80",
]
GOOD_BASES = [
    "eclipse-temurin:17-jre", "eclipse-temurin:21-jre", "eclipse-temurin:11-jre",
    "amazoncorretto:17", "eclipse-temurin:17-jre-jammy",
]
BAD_BASES = ["openjdk:7-jre", "openjdk:7u80-jre", "java:7", "openjdk:6-jre", "openjdk:8u151-jre"]
BUILDERS = ["maven:3.9-eclipse-temurin-17", "maven:3-jdk-7", "gradle:8.5-jdk17", "maven:3.8-openjdk-11"]
FAKE_PASSWORDS = ["Passw0rd!demo", "Welcome1-demo", "Summer2019-demo", "Changeme-demo", "S3cret-demo"]

# Kinds of integration folder and their relative weights.
KINDS = [
    ("anaplan-sh", 30),
    ("anaplan-bat", 10),
    ("java-service", 20),
    ("sf-dataloader", 12),
    ("heroku-worker", 6),
    ("docs", 22),
]

GITIGNORE = """\
# Build output and run artefacts
build/
target/
logs/
dump/
*.log
*.class
.idea/
"""


def fill(template: str, **values: object) -> str:
    """Replace {{key}} placeholders (leaves shell ${VAR} and batch %VAR% alone)."""
    out = template
    for key, value in values.items():
        out = out.replace("{{" + key + "}}", str(value))
    if "{{" in out:
        raise ValueError(f"unfilled placeholder in template: {out[out.index('{{'):][:40]!r}")
    return out


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


class Repo:
    """Collects (path, bytes) entries; writing happens at the end."""

    def __init__(self, rng: random.Random, broken_rate: float) -> None:
        self.rng = rng
        self.broken_rate = broken_rate
        self.files: list[tuple[str, bytes]] = []
        self.injected: list[dict[str, str]] = []
        self.kind_counts: dict[str, int] = {k: 0 for k, _ in KINDS}
        self.ignored = 0
        self.binary = 0  # binary files outside ignored paths (the walker must skip them)

    # -- helpers ---------------------------------------------------------------
    def add(self, path: str, data: str | bytes, *, ignored: bool = False, binary: bool = False) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.files.append((path, data))
        if ignored:
            self.ignored += 1
        elif binary:
            self.binary += 1

    def inject(self, path: str, problem: str, text: str) -> None:
        self.injected.append({"path": path, "problem": problem, "text": text})

    def hexid(self, upper: bool = False) -> str:
        s = "".join(self.rng.choice("0123456789abcdef") for _ in range(32))
        return s.upper() if upper else s

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def broken(self) -> bool:
        return self.rng.random() < self.broken_rate

    def csv(self, rows: int) -> str:
        r = self.rng
        lines = ["Code,Name,Region,Period,Amount,Units"]
        for i in range(rows):
            lines.append(
                f"{self.pick(LISTS)[:3].upper()}-{r.randrange(10000):04d},"
                f"\"{self.pick(WORDS).title()} {self.pick(LISTS)} {i}\","
                f"{self.pick(['North', 'South', 'East', 'West', 'Central'])},"
                f"FY{r.randrange(19, 27)}-P{r.randrange(1, 13):02d},"
                f"{r.randrange(0, 10_000_000) / 100:.2f},{r.randrange(0, 5000)}"
            )
        return "\n".join(lines) + "\n"

    def readme(self, name: str, team: str, kind: str) -> str:
        r = self.rng
        paras = [
            f"# {name}\n",
            f"Owner: {team}. Kind: {kind}. On-call rotation: `{team}-integrations`.\n",
            "## What it does\n",
            f"Moves {self.pick(LISTS).lower()} and {self.pick(LISTS).lower()} data between the "
            f"{self.pick(['ERP', 'data warehouse', 'HRIS', 'CRM', 'WMS'])} and "
            f"{self.pick(['Anaplan', 'Salesforce', 'the analytics lake'])}. "
            f"Runs {self.pick(WORDS)}; failures page the owning team after "
            f"{r.randrange(1, 4)} retries.\n",
            "## Runbook\n",
            "1. Check the last run log in `logs/`.\n"
            "2. Re-run the job by hand with the same arguments as the scheduler.\n"
            "3. If the vendor API is down, open a ticket and pause the schedule.\n",
        ]
        return "\n".join(paras)

    # -- folder kinds ------------------------------------------------------------
    def anaplan_sh(self, base: str, name: str, team: str) -> None:
        r = self.rng
        broken = self.broken()
        problem = self.pick(["java-home", "tls", "legacy"]) if broken else None
        auth_cert = r.random() < 0.35

        # config/config.sh
        lines = [f"# Environment for {name}; sourced by the job scripts in this folder."]
        if r.random() < 0.15:
            lines.append(f"#JAVA_HOME={self.pick(BAD_JAVA_HOMES)}   # retired, keep for rollback notes")
        if problem == "java-home":
            jh = self.pick(BAD_JAVA_HOMES)
            lines += [f"JAVA_HOME={jh}", "export JAVA_HOME"]
            self.inject(f"{base}/config/config.sh", "old-java", f"JAVA_HOME={jh}")
        elif r.random() < 0.8:
            lines += [f"JAVA_HOME={self.pick(GOOD_JAVA_HOMES)}", "export JAVA_HOME"]
        lines += [
            "",
            'ServiceUrl="https://api.anaplan.com"',
            'AuthUrl="https://auth.anaplan.com"',
            f'WorkspaceId="{self.hexid()}"',
            f'ModelId="{self.hexid(upper=True)}"',
        ]
        if auth_cert:
            lines += ['CertPath="certs/client.pem"', 'PrivateKey="certs/client.key:${KEY_PASS}"']
        else:
            lines.append(f'UserCredentials="svc.{team}@{COMPANY}.example:${{ANAPLAN_PASSWORD}}"')
        lines += [f"MaxRetryCount={r.randrange(1, 6)}", f"RetryTimeOut={r.choice([10, 30, 60])}", ""]
        self.add(f"{base}/config/config.sh", "\n".join(lines))

        njobs = r.randrange(1, 4)
        legacy_job = r.randrange(njobs) if problem == "legacy" else -1
        tls_job = r.randrange(njobs) if problem == "tls" else -1
        for j in range(njobs):
            verb = self.pick(VERBS)
            lst = self.pick(LISTS)
            slug = f"{verb}_{lst.lower().replace(' ', '_')}_{j}"
            path = f"{base}/{slug}.sh"
            if j == legacy_job:
                self.add(path, self.legacy_sh(path, name, team, lst))
                continue
            if j == tls_job:
                opts = self.pick(["-Dhttps.protocols=TLSv1,TLSv1.1", "-Djdk.tls.client.protocols=TLSv1",
                                  "-Dhttps.protocols=TLSv1"])
                java_opts = f'JAVA_OPTS="-Xmx1g {opts}"\nexport JAVA_OPTS\n'
                self.inject(path, "legacy-tls", opts)
            else:
                java_opts = self.pick([
                    "",
                    'JAVA_OPTS="-Xmx1g"\nexport JAVA_OPTS\n',
                    'JAVA_OPTS="-Xmx2g -Djdk.tls.client.protocols=TLSv1.2"\nexport JAVA_OPTS\n',
                    'JAVA_OPTS="-Dhttps.protocols=TLSv1.2,TLSv1.3"\nexport JAVA_OPTS\n',
                ])
            model = self.pick(MODELS)
            mode = self.pick(["import", "export", "process", "action"])
            if mode == "import":
                op = ("-file '${FileName}' -put '${FilePath}' -chunksize ${ChunkSize} \\\n"
                      "  -import '${ImportName}' -execute -output '${ErrorDump}'")
            elif mode == "export":
                op = "-export '${ExportName}' -execute -get '${FilePath}'"
            elif mode == "process":
                op = f"-process '{self.pick(WORDS).title()} {model} Load' -execute -output '${{ErrorDump}}'"
            else:
                op = f"-action 'Delete {lst} not in source' -execute"
            self.add(path, fill(
                SH_JOB,
                desc=f"{mode.title()} of {lst.lower()} for the {model} model ({name}).",
                team=team,
                cron=f"{r.randrange(60)} {r.randrange(24)} * * *",
                file=f"{lst.lower().replace(' ', '_')}.csv",
                chunk=r.choice([1, 10, 50]),
                lst=lst,
                slug=slug,
                java_opts=java_opts,
                op=op,
            ))
        for k in range(r.randrange(1, 4)):
            self.add(f"{base}/data/{self.pick(LISTS).lower().replace(' ', '_')}_{k}.csv",
                     self.csv(r.randrange(10, 120)))
        if r.random() < 0.7:
            self.add(f"{base}/README.md", self.readme(name, team, "anaplan-connect (sh)"))
        for k in range(r.randrange(0, 3)):
            self.add(f"{base}/logs/run-2024{r.randrange(1, 13):02d}{r.randrange(1, 29):02d}-{k}.log",
                     self.run_log(), ignored=True)

    def legacy_sh(self, path: str, name: str, team: str, lst: str) -> str:
        r = self.rng
        jar = f"anaplan-connect-1.3.{r.randrange(1, 4)}.{r.randrange(1, 6)}.jar"
        pw = self.pick(FAKE_PASSWORDS)
        self.inject(path, "old-connector", jar)
        self.inject(path, "api-1.3-endpoint", "https://api.anaplan.com/1/3")
        self.inject(path, "plaintext-password", f"svc.{team}@{COMPANY}.example:{pw}")
        return fill(
            LEGACY_SH, name=name, team=team, jar=jar, pw=pw, lst=lst,
            file=f"{lst.lower().replace(' ', '_')}.csv", model=self.pick(MODELS), company=COMPANY,
        )

    def run_log(self) -> str:
        r = self.rng
        out = []
        for i in range(r.randrange(5, 40)):
            out.append(f"2024-03-{r.randrange(1, 29):02d} 01:{r.randrange(60):02d}:{r.randrange(60):02d} INFO "
                       f"Uploading chunk {i} of {self.pick(LISTS).lower()}.csv ... OK")
        return "\n".join(out) + "\n"

    def anaplan_bat(self, base: str, name: str, team: str) -> None:
        r = self.rng
        broken = self.broken()
        problem = self.pick(["java-home", "password"]) if broken else None
        cfg = [
            "rem Shared environment for the Windows jobs in this folder.",
            'set ServiceUrl="https://api.anaplan.com"',
            'set AuthUrl="https://auth.anaplan.com"',
            f'set WorkspaceId="{self.hexid()}"',
            f'set ModelId="{self.hexid(upper=True)}"',
        ]
        if problem == "password":
            pw = self.pick(FAKE_PASSWORDS).replace("!", "-")
            cfg += [r'set KeystorePath="C:\anaplan\certs\integration.jks"', 'set KeystoreAlias="integration"',
                    f"set KeystorePassword={pw}"]
            self.inject(f"{base}/config.bat", "plaintext-password", f"KeystorePassword={pw}")
            creds = "-keystore %KeystorePath% -keystorealias %KeystoreAlias% -keystorepass %KeystorePassword%"
        else:
            cfg.append(f"set AnaplanUser=svc.{team}@{COMPANY}.example:%ANAPLAN_PASSWORD%")
            creds = "-user %AnaplanUser%"
        self.add(f"{base}/config.bat", crlf("\n".join(cfg) + "\n"))
        njobs = r.randrange(1, 3)
        bad_job = r.randrange(njobs) if problem == "java-home" else -1
        for j in range(njobs):
            lst = self.pick(LISTS)
            path = f"{base}/export_{lst.lower().replace(' ', '_')}_{j}.bat"
            jh_lines = []
            if r.random() < 0.2:
                jh_lines.append(f":: set JAVA_HOME={self.pick(BAD_WIN_JAVA)}")
            if j == bad_job:
                jh = self.pick(BAD_WIN_JAVA)
                jh_lines.append(f"set JAVA_HOME={jh}")
                self.inject(path, "old-java", f"JAVA_HOME={jh}")
            elif r.random() < 0.6:
                jh_lines.append(f"set JAVA_HOME={self.pick(GOOD_WIN_JAVA)}")
            self.add(path, crlf(fill(
                BAT_JOB, name=name, team=team, lst=lst, java_home="\n".join(jh_lines),
                file=f"{lst.lower().replace(' ', '_')}.csv", creds=creds,
            )))
        if r.random() < 0.5:
            self.add(f"{base}/README.md", self.readme(name, team, "anaplan-connect (bat)"))
        self.add(f"{base}/data/{self.pick(LISTS).lower().replace(' ', '_')}.csv", crlf(self.csv(r.randrange(10, 60))))

    def java_service(self, base: str, name: str, team: str) -> None:
        r = self.rng
        broken = self.broken()
        problem = self.pick(["base-image", "tls"]) if broken else None
        pkg = name.replace("-", "")
        cls = "".join(p.title() for p in name.split("-")[:3]) + "App"
        java_release = self.pick(["11", "17", "17", "21"])
        # Dockerfile
        lines = ["# syntax=docker/dockerfile:1"]
        multi = r.random() < 0.5
        if multi:
            lines += [f"FROM {self.pick(BUILDERS)} AS build", "WORKDIR /src", "COPY pom.xml .",
                      "RUN mvn -B -q dependency:go-offline", "COPY src ./src",
                      "RUN mvn -B -q package -DskipTests", ""]
        if r.random() < 0.1:
            lines.append(f"# FROM {self.pick(BAD_BASES)}")
        if problem == "base-image":
            img = self.pick(BAD_BASES)
            self.inject(f"{base}/Dockerfile", "old-java", f"FROM {img}")
        else:
            img = self.pick(GOOD_BASES)
        lines += [f"FROM {img}", "WORKDIR /app"]
        if multi:
            lines.append(f"COPY --from=build /src/target/{name}.jar /app/app.jar")
        else:
            lines.append(f"COPY target/{name}.jar /app/app.jar")
        if problem == "tls":
            opts = self.pick(["-Dhttps.protocols=TLSv1,TLSv1.1", "-Djdk.tls.client.protocols=TLSv1.1"])
            self.inject(f"{base}/Dockerfile", "legacy-tls", opts)
            lines.append(f'ENV JAVA_OPTS="-Xmx512m {opts}"')
        else:
            lines.append(self.pick(['ENV JAVA_OPTS="-XX:MaxRAMPercentage=75"',
                                    'ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -Djdk.tls.client.protocols=TLSv1.2"',
                                    'ENV JAVA_OPTS=""']))
        lines += ["USER 10001", 'ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar"]', ""]
        self.add(f"{base}/Dockerfile", "\n".join(lines))
        self.add(f"{base}/.dockerignore", "target/\nbuild/\n*.log\n.git\n")
        self.add(f"{base}/pom.xml", fill(POM, name=name, pkg=pkg, release=java_release,
                                         wsc=self.pick(["54.0.0", "57.0.0", "58.1.0", "60.0.0"])))
        target = self.pick(["anaplan", "salesforce"])
        if target == "anaplan":
            props = [
                f"# {name}: Anaplan Bulk API client settings",
                "anaplan.api.base-url=https://api.anaplan.com/2/0",
                "anaplan.auth.url=https://auth.anaplan.com/token/authenticate",
                f"anaplan.workspace-id={self.hexid()}",
                f"anaplan.model-id={self.hexid(upper=True)}",
                "anaplan.auth.certificate=/run/secrets/anaplan-client.pem",
                "anaplan.auth.private-key=/run/secrets/anaplan-client.key",
                "anaplan.auth.private-key-password=${ANAPLAN_KEY_PASSWORD}",
            ]
        else:
            props = [
                f"# {name}: Salesforce client settings",
                "salesforce.login-url=https://login.salesforce.com",
                f"salesforce.api-version={self.pick(['55.0', '58.0', '59.0', '61.0'])}",
                f"salesforce.username=svc.{team}@{COMPANY}.example",
                "salesforce.password=${SF_PASSWORD}",
            ]
        props += [f"server.port={self.pick([8080, 8081, 9090])}", "management.endpoints.web.exposure.include=health,info", ""]
        self.add(f"{base}/src/main/resources/application.properties", "\n".join(props))
        self.add(f"{base}/src/main/java/com/{COMPANY}/{pkg}/{cls}.java",
                 fill(JAVA_SRC, pkg=pkg, cls=cls, company=COMPANY, name=name))
        # .gitignore'd build output: class files, a jar, a copied resources file
        for k in range(r.randrange(1, 3)):
            self.add(f"{base}/target/classes/com/{COMPANY}/{pkg}/{cls}{'$' + str(k) if k else ''}.class",
                     self.class_file(), ignored=True, binary=True)
        self.add(f"{base}/target/classes/application.properties", "\n".join(props), ignored=True)
        if r.random() < 0.3:
            self.add(f"{base}/target/{name}.jar", self.zip_like(r.randrange(4, 24) * 1024), ignored=True, binary=True)
        if r.random() < 0.6:
            self.add(f"{base}/README.md", self.readme(name, team, "java service"))

    def sf_dataloader(self, base: str, name: str, team: str) -> None:
        r = self.rng
        broken = self.broken()
        entity = self.pick(SF_ENTITIES)
        lines = [
            f"# Data Loader batch-mode settings for {name} ({entity} {self.pick(['upsert', 'insert', 'extract'])}).",
            "sfdc.endpoint=https\\://login.salesforce.com",
            f"sfdc.username=integration.{team}@{COMPANY}.example",
        ]
        if broken:
            pw = self.pick(FAKE_PASSWORDS)
            lines.append(f"sfdc.password={pw}")
            self.inject(f"{base}/config.properties", "plaintext-password", f"sfdc.password={pw}")
        else:
            lines += ["sfdc.password=" + "".join(r.choice("0123456789abcdef") for _ in range(64)),
                      "process.encryptionKeyFile=/opt/dataloader/conf/dataloader.key"]
        lines += [
            f"sfdc.timeoutSecs={r.choice([300, 600, 900])}",
            f"sfdc.loadBatchSize={r.choice([200, 2000, 10000])}",
            f"sfdc.useBulkApi={self.pick(['true', 'false'])}",
            f"sfdc.entity={entity}",
            f"process.mappingFile=/opt/dataloader/conf/{entity.lower()}.sdl",
            f"dataAccess.name=/var/data/{name}/{entity.lower()}.csv",
            "dataAccess.type=csvRead",
            "",
        ]
        self.add(f"{base}/config.properties", "\n".join(lines))
        self.add(f"{base}/process-conf.xml", fill(PROCESS_CONF, name=name, entity=entity))
        self.add(f"{base}/{entity.lower()}.sdl",
                 "\n".join(f"{c}={c.replace('_', '')}__c" for c in ["ERP_Id", "Name", "Region", "Owner_Code"]) + "\n")
        self.add(f"{base}/data/{entity.lower()}.csv", self.csv(r.randrange(20, 200)))

    def heroku_worker(self, base: str, name: str, team: str) -> None:
        r = self.rng
        if self.broken():
            v = self.pick(["1.7", "1.6", "7"])
            self.inject(f"{base}/system.properties", "old-java", f"java.runtime.version={v}")
        else:
            v = self.pick(["11", "17", "17", "21", "1.8"])
        self.add(f"{base}/system.properties", f"java.runtime.version={v}\nmaven.version=3.9.6\n")
        self.add(f"{base}/Procfile", f"worker: java $JAVA_OPTS -cp target/classes:target/dependency/* com.{COMPANY}.sync.Worker\n")
        self.add(f"{base}/pom.xml", fill(POM, name=name, pkg=name.replace("-", ""), release="17",
                                         wsc=self.pick(["54.0.0", "58.1.0", "60.0.0"])))
        if r.random() < 0.5:
            self.add(f"{base}/README.md", self.readme(name, team, "heroku worker"))

    def docs(self, base: str, name: str, team: str) -> None:
        r = self.rng
        self.add(f"{base}/README.md", self.readme(name, team, "documentation"))
        for k in range(r.randrange(0, 3)):
            self.add(f"{base}/docs/runbook-{k}.md", self.readme(f"{name} runbook {k}", team, "runbook"))
        for k in range(r.randrange(1, 4)):
            self.add(f"{base}/samples/{self.pick(LISTS).lower().replace(' ', '_')}_{k}.csv", self.csv(r.randrange(20, 300)))
        if r.random() < 0.25:
            self.add(f"{base}/assets/flow-{r.randrange(100)}.png", self.png(r.randrange(2, 40) * 1024), binary=True)
        if r.random() < 0.1:
            self.add(f"{base}/samples/mapping.xlsx", self.zip_like(r.randrange(8, 64) * 1024), binary=True)

    # -- binary payloads -----------------------------------------------------------
    def png(self, size: int) -> bytes:
        raw = self.rng.randbytes(size)
        ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)

        def chunk(tag: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")

    def zip_like(self, size: int) -> bytes:
        return b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + self.rng.randbytes(size)

    def class_file(self) -> bytes:
        return b"\xca\xfe\xba\xbe\x00\x00\x00\x3d" + self.rng.randbytes(self.rng.randrange(600, 6000))


SH_JOB = """\
#!/bin/sh
# {{desc}}
# Owner: {{team}}. Schedule: {{cron}}
. ./config/config.sh
AnaplanUser=$UserCredentials
FileName="{{file}}"
FilePath="data/{{file}}"
ChunkSize={{chunk}}
ImportName="{{lst}} from {{file}}"
ExportName="{{lst}} Export.csv"
ErrorDump="dump/{{slug}}_errors.txt"
{{java_opts}}
Operation="-service ${ServiceUrl} -auth ${AuthUrl} -workspace ${WorkspaceId} -model ${ModelId} \\
  {{op}}"

#____________________________ Do not edit below this line ______________________________

if [ "${AnaplanUser}" ]; then
  Credentials="-user ${AnaplanUser}"
fi
if [ "${CertPath}" ]; then
  Credentials="-certificate ${CertPath} -privatekey ${PrivateKey}"
fi

echo cd "$(dirname "$0")"
cd "$(dirname "$0")"
if [ ! -x AnaplanClient.sh ]; then
  echo "Please ensure AnaplanClient.sh is in this directory and executable." >&2
  exit 1
fi
Command="./AnaplanClient.sh ${Credentials} ${Operation}"
/bin/echo "${Command}"
exec /bin/sh -c "${Command}"
"""

LEGACY_SH = """\
#!/bin/sh
# Legacy {{lst}} import for {{name}} ({{team}}); Anaplan Connect 1.3, not yet migrated.
AC_DIR=/opt/anaplan/connect
CLASSPATH="${AC_DIR}/{{jar}}:${AC_DIR}/lib/commons-codec-1.6.jar"
cd "`dirname "$0"`" || exit 1
java ${JAVA_OPTS} -classpath "${CLASSPATH}" com.anaplan.client.Program \\
  -service https://api.anaplan.com/1/3 \\
  -user svc.{{team}}@{{company}}.example:{{pw}} \\
  -workspace "Finance Planning" -model "{{model}}" \\
  -file '{{file}}' -put 'data/{{file}}' \\
  -import '{{lst}} from {{file}}' -execute
"""

BAT_JOB = """\
@echo off
rem Export of {{lst}} for {{name}}.
rem Owner: {{team}}
call config.bat
{{java_home}}
set FilePath="out\\{{file}}"

set Operation=-service %ServiceUrl% -auth %AuthUrl% -workspace %WorkspaceId% -model %ModelId% ^
 -export "{{lst}} Export.csv" -execute -get %FilePath%

rem *** End of settings - Do not edit below this line ***

setlocal enableextensions enabledelayedexpansion || exit /b 1
cd /d %~dp0
set Credentials={{creds}}
set Command=.\\AnaplanClient.bat %Credentials% %Operation%
cmd /c %Command%
"""

POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.kestrel.integrations</groupId>
  <artifactId>{{name}}</artifactId>
  <version>1.0.0</version>
  <properties>
    <maven.compiler.release>{{release}}</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>com.force.api</groupId>
      <artifactId>force-wsc</artifactId>
      <version>{{wsc}}</version>
    </dependency>
  </dependencies>
</project>
"""

JAVA_SRC = """\
package com.{{company}}.{{pkg}};

/** Entry point for the {{name}} integration. */
public final class {{cls}} {
    private {{cls}}() {}

    public static void main(String[] args) throws Exception {
        String env = System.getenv().getOrDefault("APP_ENV", "dev");
        System.out.println("{{name}} starting in " + env);
    }
}
"""

PROCESS_CONF = """\
<!DOCTYPE beans PUBLIC "-//SPRING//DTD BEAN//EN" "http://www.springframework.org/dtd/spring-beans.dtd">
<beans>
  <bean id="{{name}}" class="com.salesforce.dataloader.process.ProcessRunner" scope="prototype">
    <description>{{entity}} job for {{name}}</description>
    <property name="name" value="{{name}}"/>
    <property name="configOverrideMap">
      <map>
        <entry key="sfdc.entity" value="{{entity}}"/>
        <entry key="process.operation" value="upsert"/>
      </map>
    </property>
  </bean>
</beans>
"""


def plan(n_files: int, seed: int, broken_rate: float) -> Repo:
    rng = random.Random(seed)
    repo = Repo(rng, broken_rate)
    repo.add(".gitignore", GITIGNORE)
    repo.add("README.md", f"# {COMPANY} integrations monorepo (synthetic, seed {seed})\n\n"
                          "Generated by bench/gen_monorepo.py. Not real code.\n")
    repo.add(".tool-versions", "java temurin-17.0.9+9\nmaven 3.9.6\npython 3.11.6\n")
    reserved = 1  # the marker file, written last
    weights = [w for _, w in KINDS]
    names = [k for k, _ in KINDS]
    index = 0
    # Keep adding folders while a large one would still fit; fill the remainder with data files.
    while len(repo.files) + reserved + 16 <= n_files:
        kind = rng.choices(names, weights)[0]
        team = repo.pick(TEAMS)
        name = f"{repo.pick(WORDS)}-{repo.pick(LISTS).lower().replace(' ', '-')}-{repo.pick(VERBS)}-{index:05d}"
        base = f"integrations/{team}/{index // 100:03d}/{name}"
        getattr(repo, kind.replace("-", "_"))(base, name, team)
        repo.kind_counts[kind] += 1
        index += 1
    k = 0
    while len(repo.files) + reserved < n_files:
        repo.add(f"integrations/_shared/data/extract_{k:03d}.csv", repo.csv(rng.randrange(5, 50)))
        k += 1
    del repo.files[n_files - reserved:]  # only matters for tiny N
    return repo


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, required=True, help="exact number of files to write (>= 4)")
    ap.add_argument("--out", type=Path, help="directory to create (required unless --print-stamp)")
    ap.add_argument("--seed", type=int, default=20201001, help="random seed (default: %(default)s)")
    ap.add_argument("--broken-rate", type=float, default=0.03,
                    help="share of integration folders with one injected problem (default: %(default)s)")
    ap.add_argument("--manifest", type=Path, help="write a JSON manifest (counts, injected problems) here")
    ap.add_argument("--force", action="store_true", help="replace --out if it is an earlier generated repo")
    ap.add_argument("--print-stamp", action="store_true",
                    help=f"print the {MARKER} line these arguments would produce and exit (for caching)")
    args = ap.parse_args(argv)

    if args.print_stamp:
        print(stamp_for(args.files, args.seed, args.broken_rate))
        return 0
    if args.out is None:
        ap.error("--out is required")

    if args.files < 4:
        ap.error("--files must be at least 4")
    if not 0.0 <= args.broken_rate <= 1.0:
        ap.error("--broken-rate must be between 0 and 1")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            print(f"error: {out} exists, is not empty and was not made by this generator; refusing to touch it",
                  file=sys.stderr)
            return 2
        if not args.force:
            print(f"error: {out} already exists (pass --force to regenerate)", file=sys.stderr)
            return 2
        shutil.rmtree(out)

    repo = plan(args.files, args.seed, args.broken_rate)
    stamp = stamp_for(args.files, args.seed, args.broken_rate)
    repo.add(MARKER, stamp + "\n")

    total = 0
    made: set[str] = set()
    for rel, data in repo.files:
        path = out / rel
        parent = str(path.parent)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        with open(path, "wb") as fh:
            fh.write(data)
        if rel.endswith(".sh"):
            os.chmod(path, 0o755)
        total += len(data)

    summary = {
        "generator_version": GENERATOR_VERSION,
        "stamp": stamp,
        "seed": args.seed,
        "files": len(repo.files),
        "bytes": total,
        "folders": repo.kind_counts,
        "ignored_files": repo.ignored,
        "binary_files_not_ignored": repo.binary,
        "injected_problems": len(repo.injected),
    }
    if args.manifest:
        args.manifest.parent.mkdir(parents=True, exist_ok=True)
        with open(args.manifest, "w", encoding="utf-8") as fh:
            json.dump({**summary, "injected": repo.injected}, fh, indent=2, sort_keys=True)
            fh.write("\n")
    print(f"wrote {len(repo.files)} files ({total / 1e6:.1f} MB) to {out}: "
          f"{sum(repo.kind_counts.values())} integration folders, {repo.ignored} gitignored, "
          f"{repo.binary} binary outside ignored paths, {len(repo.injected)} injected problems", file=sys.stderr)
    return 0


def stamp_for(files: int, seed: int, broken_rate: float) -> str:
    """Identifies one generated repo: parameters plus a hash of this script."""
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"gen_monorepo v{GENERATOR_VERSION} files={files} seed={seed} broken_rate={broken_rate} script={digest}"


if __name__ == "__main__":
    sys.exit(main())
