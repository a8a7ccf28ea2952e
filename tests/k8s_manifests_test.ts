/**
 * deploy/k8s offline: every manifest parses (npm `yaml`) and validates against the Kubernetes
 * OpenAPI schemas bundled in npm `kubernetes-models`; then what a schema cannot see: selectors
 * match pod labels, Services reach a container port, volumes and Secrets resolve, each
 * `--register` URL names a Service of the set on its port, and probes carry the mounted token.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Service } from "kubernetes-models/v1/Service";

const DIR = new URL("../deploy/k8s/", import.meta.url);
/** Created by the user (README: `kubectl create secret generic dlg-token ...`), not shipped. */
const EXTERNAL_SECRETS = new Set(["dlg-token"]);

// deno-lint-ignore no-explicit-any
type Doc = any;

const MODELS: Record<string, new (d: Doc) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "v1/Service": Service,
};

async function manifests(): Promise<{ file: string; doc: Doc }[]> {
  const out: { file: string; doc: Doc }[] = [];
  for await (const e of Deno.readDir(DIR)) {
    if (!/\.ya?ml$/.test(e.name)) continue;
    for (const d of parseAllDocuments(await Deno.readTextFile(new URL(e.name, DIR)))) {
      assert.equal(d.errors.length, 0, `${e.name}: ${d.errors.join("; ")}`);
      out.push({ file: e.name, doc: d.toJS() });
    }
  }
  return out;
}

const matches = (sel: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(sel).every(([k, v]) => labels[k] === v);

Deno.test("deploy/k8s manifests validate against the Kubernetes schemas and resolve", async () => {
  const docs = await manifests();
  const kinds = docs.map((d) => d.doc.kind).sort();
  assert.deepEqual(kinds, [
    "Deployment",
    "Deployment",
    "Service",
    "Service",
    "Service",
    "StatefulSet",
  ]);
  for (const { file, doc } of docs) {
    const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
    assert.ok(Model, `${file}: no schema for ${doc.apiVersion} ${doc.kind}`);
    assert.ok(doc.metadata?.name, `${file}: ${doc.kind} has no metadata.name`);
    try {
      new Model(doc).validate();
    } catch (e) {
      throw new Error(`${file}: ${doc.kind} ${doc.metadata.name}: ${(e as Error).message}`);
    }
  }
  const workloads = docs.map((d) => d.doc).filter((d) => d.kind !== "Service");
  const services = docs.map((d) => d.doc).filter((d) => d.kind === "Service");
  for (const w of workloads) {
    const name = w.metadata.name;
    const pod = w.spec.template;
    assert.ok(matches(w.spec.selector.matchLabels, pod.metadata.labels), `${name}: selector`);
    const volumes = new Set(pod.spec.volumes.map((v: Doc) => v.name));
    for (const v of pod.spec.volumes) {
      if (v.secret) assert.ok(EXTERNAL_SECRETS.has(v.secret.secretName), `${name}: secret`);
    }
    if (w.kind === "StatefulSet") {
      const svc = services.find((s) => s.metadata.name === w.spec.serviceName);
      assert.equal(svc?.spec.clusterIP, "None", `${name}: serviceName needs a headless Service`);
    }
    for (const c of pod.spec.containers) {
      assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${name}: requests`);
      const mounts = new Map<string, string>(
        c.volumeMounts.map((m: Doc) => [m.mountPath, m.name]),
      );
      for (const m of mounts.values()) assert.ok(volumes.has(m), `${name}: volume ${m}`);
      const work = pod.spec.volumes.find((v: Doc) => v.name === mounts.get("/data/dlg"));
      assert.ok(work?.emptyDir, `${name}: work dir on an emptyDir`);
      // The token file lies in a mounted Secret; probes ask /api with it.
      const at = c.args.indexOf("--token-file");
      const tokenFile = c.args[at + 1];
      const dir = tokenFile.slice(0, tokenFile.lastIndexOf("/"));
      const secretVol = pod.spec.volumes.find((v: Doc) => v.name === mounts.get(dir));
      assert.ok(secretVol?.secret, `${name}: ${tokenFile} is not in a mounted Secret`);
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        const cmd: string[] = probe.exec.command;
        assert.ok(cmd.includes("--status") && cmd.includes(tokenFile), `${name}: probe`);
        assert.equal(cmd[cmd.indexOf("-P") + 1], String(c.ports[0].containerPort));
      }
      // --register names a Service of the set, on one of its ports.
      const reg = c.args.indexOf("--register");
      if (reg >= 0) {
        const url = new URL(c.args[reg + 1]);
        const svc = services.find((s) => s.metadata.name === url.hostname);
        assert.ok(svc, `${name}: --register ${url} names no Service`);
        assert.ok(svc.spec.ports.some((p: Doc) => String(p.port) === url.port), `${name}: port`);
      }
    }
  }
  for (const s of services) {
    const backs = workloads.filter((w) =>
      matches(s.spec.selector, w.spec.template.metadata.labels)
    );
    assert.equal(backs.length, 1, `Service ${s.metadata.name} selects ${backs.length} workloads`);
    const ports = backs[0].spec.template.spec.containers.flatMap((c: Doc) => c.ports);
    for (const p of s.spec.ports) {
      assert.ok(
        ports.some((cp: Doc) => cp.name === p.targetPort || cp.containerPort === p.targetPort),
        `Service ${s.metadata.name}: targetPort ${p.targetPort}`,
      );
    }
  }
});

Deno.test("the schema check catches a broken manifest", () => {
  const bad = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "x" },
    spec: { template: { spec: { containers: [{ name: "c", ports: [{ containerPort: "80" }] }] } } },
  };
  assert.throws(() => new Deployment(bad as Doc).validate());
});
