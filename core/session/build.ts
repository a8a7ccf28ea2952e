/**
 * Deploy-time graph building: Drop objects from validated specs, links wired both ways (each
 * link once, whichever side declared it), then the checks that need the whole graph: links to
 * OIDs that never arrived, links between the wrong kinds, cycles.
 */
import {
  AppDrop,
  DataDrop,
  type Drop,
  type DropHost,
  eachLink,
  FileStore,
  linkAdded,
  linkCount,
  linksHave,
  MemoryStore,
  NullStore,
} from "../drops/mod.ts";
import { invalidGraph } from "../errors/mod.ts";
import {
  allParams,
  type AppClass,
  type DataClass,
  type DropSpec,
  timeSlices,
} from "../graph/mod.ts";
import { filePath } from "./paths.ts";

/**
 * A session's Drops by OID, read through its spec map (each spec holds the Drop built from it):
 * a million-Drop session has one map, not two (a `Map` growing past 2^20 entries costs ~250 ms
 * in one `set`, and its table is fresh memory).
 */
export class DropIndex {
  #specs: ReadonlyMap<string, DropSpec>;

  constructor(specs: ReadonlyMap<string, DropSpec>) {
    this.#specs = specs;
  }

  get size(): number {
    return this.#specs.size;
  }

  get(oid: string): Drop | undefined {
    return this.#specs.get(oid)?.drop as Drop | undefined;
  }

  *values(): Generator<Drop> {
    for (const s of this.#specs.values()) yield s.drop as Drop;
  }
}

export interface Built {
  drops: DropIndex;
  /** Drops with no local consumer/output: when all are done, the session is done. */
  leaves: number;
}

const encoder = new TextEncoder();

function makeData(spec: DropSpec, cls: DataClass, host: DropHost): DataDrop {
  const p = spec.params;
  let store;
  if (cls.storage === "memory") {
    // Without initial bytes the Drop makes its store when first used.
    if (typeof p.pydata === "string") {
      store = new MemoryStore(Number(p.expectedSize ?? 0), encoder.encode(p.pydata));
    }
  } else if (cls.storage === "file") {
    store = new FileStore(filePath(spec, host.dir), [host.dir, ...host.allowedPaths ?? []]);
  } else store = new NullStore();
  const d = new DataDrop(spec.oid, spec.uid, host, store);
  d.expectedSize = Number(p.expectedSize ?? 0);
  d.persist = p.persist === true || p.precious === true;
  d.isEnd = cls.end === true;
  return d;
}

function makeApp(spec: DropSpec, cls: AppClass, host: DropHost): AppDrop {
  const params = cls.allParams ? { ...allParams(spec.raw), ...spec.params } : spec.params;
  const a = new AppDrop(spec.oid, spec.uid, host, cls.impl, params);
  const p = spec.params;
  if (!cls.barrier && typeof p.n_effective_inputs === "number") {
    a.nEffectiveInputs = p.n_effective_inputs;
  }
  if (typeof p.input_error_threshold === "number") a.inputErrorThreshold = p.input_error_threshold;
  if (typeof p.n_tries === "number") a.nTries = Math.max(1, p.n_tries);
  a.blockSkip = p.block_skip === true;
  a.ports = spec.ports;
  return a;
}

/** Link data `d` to app `a` as an input (or streaming input) of `a`. */
function linkInput(d: DataDrop, a: AppDrop, streaming: boolean): void {
  const mine = streaming ? a.streamingInputLinks : a.inputLinks;
  const theirs = streaming ? d.streamingConsumerLinks : d.consumerLinks;
  const had = linkCount(mine) <= linkCount(theirs) ? linksHave(mine, d) : linksHave(theirs, a);
  if (had) return;
  if (streaming) {
    a.streamingInputLinks = linkAdded(mine, d);
    d.streamingConsumerLinks = linkAdded(theirs, a);
  } else {
    a.inputLinks = linkAdded(mine, d);
    d.consumerLinks = linkAdded(theirs, a);
  }
}

/** Barrier apps reject streaming inputs, as in DALiuGE; apps that take chunks accept them. */
function streamable(a: AppDrop, problems: string[]): boolean {
  if (a.impl.dataWritten) return true;
  const msg = `Drop ${a.oid} cannot take streaming inputs (barrier apps wait for whole inputs)`;
  if (!problems.includes(msg)) problems.push(msg);
  return false;
}

/** Link app `a` to data `d` as a producer of `d`. */
function linkOutput(a: AppDrop, d: DataDrop): void {
  if (linksHave(a.outputLinks, d)) return;
  a.outputLinks = linkAdded(a.outputLinks, d);
  d.nProducers++;
}

/** Loop iterations between the points where a sliced build may let the event loop in. */
const STEP = 1024;

/** Specs appended together whose links are looked up in a map of their own first. */
const NEAR = 4096;

/** Build the runtime graph, or throw InvalidGraphException naming the first problems. */
export function buildGraph(
  specs: Map<string, DropSpec>,
  host: DropHost,
  isRemote: (oid: string) => boolean = () => false,
): Built {
  return drain(buildSteps(specs, host, isRemote));
}

/** Run a sliceable job (a generator that yields where it may pause) in one go. */
function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** `buildGraph` in time slices with the event loop let in between (a big deploy). */
export async function buildGraphSliced(
  specs: Map<string, DropSpec>,
  host: DropHost,
  isRemote: (oid: string) => boolean = () => false,
): Promise<Built> {
  const steps = buildSteps(specs, host, isRemote);
  const slices = timeSlices();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (slices.due()) await slices.next();
  }
}

/** The build, pausing (`yield`) every STEP Drops of each pass. */
function* buildSteps(
  specs: Map<string, DropSpec>,
  host: DropHost,
  isRemote: (oid: string) => boolean,
): Generator<void, Built> {
  const drops = new DropIndex(specs);
  let i = 0;
  for (const spec of specs.values()) {
    if (++i % STEP === 0) yield;
    const cls = spec.cls;
    const d = cls.kind === "data" ? makeData(spec, cls, host) : makeApp(spec, cls, host);
    if (typeof spec.raw.name === "string") d.name = spec.raw.name;
    spec.drop = d;
  }
  const problems: string[] = [];
  // Links mostly join Drops appended close together: a link is looked up first among the NEAR
  // specs it was appended with (a small map, in cache), then in the session's (a lookup in a map
  // of millions costs ~0.5-0.8 us on the benchmark VM; see docs/performance.md, round 7).
  let near = new Map<string, DropSpec>();
  const other = (from: Drop, key: string, oid: string, want: "app" | "data") => {
    const d = (near.get(oid)?.drop as Drop | undefined) ?? drops.get(oid);
    if (!d) {
      if (!isRemote(oid)) {
        problems.push(`Drop ${from.oid} lists ${oid} in ${key}, but no such Drop`);
      }
      return undefined;
    }
    if (d.isApp !== (want === "app")) {
      problems.push(
        `Drop ${from.oid} lists ${oid} in ${key}, but ${oid} is ${
          d.isApp ? "an app" : "a data"
        } Drop`,
      );
      return undefined;
    }
    return d;
  };
  const all = specs.values();
  let chunk: DropSpec[] = [];
  for (let at = 0;; at++) {
    if (at === chunk.length) {
      chunk = [];
      at = 0;
      near = new Map();
      for (let s = all.next(); !s.done; s = all.next()) {
        near.set(s.value.oid, s.value);
        if (chunk.push(s.value) === NEAR) break;
      }
      if (chunk.length === 0) break;
    }
    const spec = chunk[at]!;
    if (++i % STEP === 0) yield;
    const self = spec.drop as Drop;
    const l = spec.links;
    if (self instanceof DataDrop) {
      eachLink(l.consumers, (o) => {
        const a = other(self, "consumers", o, "app") as AppDrop | undefined;
        if (a) linkInput(self, a, false);
      });
      eachLink(l.streamingConsumers, (o) => {
        const a = other(self, "streamingConsumers", o, "app") as AppDrop | undefined;
        if (a && streamable(a, problems)) linkInput(self, a, true);
      });
      eachLink(l.producers, (o) => {
        const a = other(self, "producers", o, "app") as AppDrop | undefined;
        if (a) linkOutput(a, self);
      });
      for (const k of ["inputs", "outputs", "streamingInputs"] as const) {
        if (l[k]?.length) problems.push(`Drop ${self.oid} is a data Drop but has ${k}`);
      }
      if (spec.ports) dataPorts(spec, drops);
    } else {
      const a = self as AppDrop;
      eachLink(l.inputs, (o) => {
        const d = other(a, "inputs", o, "data") as DataDrop | undefined;
        if (d) linkInput(d, a, false);
      });
      eachLink(l.streamingInputs, (o) => {
        const d = other(a, "streamingInputs", o, "data") as DataDrop | undefined;
        if (d && streamable(a, problems)) linkInput(d, a, true);
      });
      eachLink(l.outputs, (o) => {
        const d = other(a, "outputs", o, "data") as DataDrop | undefined;
        if (d) linkOutput(a, d);
      });
      for (const k of ["consumers", "producers", "streamingConsumers"] as const) {
        if (l[k]?.length) problems.push(`Drop ${a.oid} is an app Drop but has ${k}`);
      }
    }
    if (problems.length >= 5) break;
  }
  if (problems.length) throw invalidGraph(problems.join("; "));
  // Leaves are marked in the cycle check's first pass over the (linked) Drops.
  let leaves = 0;
  const cycle = yield* cycleSteps(drops, (d) => {
    const leaf = d instanceof DataDrop
      ? d.consumerLinks === undefined && d.streamingConsumerLinks === undefined
      : (d as AppDrop).outputLinks === undefined;
    if (leaf) {
      d.leaf = true;
      leaves++;
    }
  });
  if (cycle) throw invalidGraph(`the graph has a cycle through Drop ${cycle}`);
  return { drops, leaves };
}

/** Ports named on the data side ({appOid: port}) belong to the app too. */
function dataPorts(spec: DropSpec, drops: DropIndex): void {
  for (const [oid, port] of Object.entries(spec.ports!)) {
    const a = drops.get(oid);
    if (a instanceof AppDrop && !a.ports?.[spec.oid]) a.ports = { ...a.ports, [spec.oid]: port };
  }
}

/** Kahn's algorithm over the local graph; the OID of a Drop on a cycle, if there is one. */
export function findCycle(drops: DropIndex): string | undefined {
  return drain(cycleSteps(drops));
}

/** `each`: called with every Drop on the first pass (one pass less over a big graph). */
function* cycleSteps(
  drops: DropIndex,
  each?: (d: Drop) => void,
): Generator<void, string | undefined> {
  const ready: Drop[] = [];
  let i = 0;
  for (const d of drops.values()) {
    if (++i % STEP === 0) yield;
    each?.(d);
    d.mark = d instanceof DataDrop
      ? d.nProducers
      : linkCount((d as AppDrop).inputLinks) + linkCount((d as AppDrop).streamingInputLinks);
    if (d.mark === 0) ready.push(d);
  }
  let seen = 0;
  const dec = (x: Drop) => {
    if (--x.mark === 0) ready.push(x);
  };
  while (ready.length) {
    if (++i % STEP === 0) yield;
    const d = ready.pop()!;
    seen++;
    if (d instanceof DataDrop) {
      eachLink(d.consumerLinks, (c) => c instanceof AppDrop && dec(c));
      eachLink(d.streamingConsumerLinks, (c) => c instanceof AppDrop && dec(c));
    } else eachLink((d as AppDrop).outputLinks, dec);
  }
  if (seen === drops.size) return undefined;
  for (const d of drops.values()) if (d.mark > 0) return d.oid;
  return undefined;
}
