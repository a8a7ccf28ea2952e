/**
 * A composite manager's children: added (twice is a no-op), removed (unknown is 404), found by
 * node string, and the node managers below them reached for pass-through reads.
 */
import { HttpError, invalidGraph, subManagerError, unknownChild } from "../errors/mod.ts";
import { describeArgs, DlgClientError, NodeManagerClient, type Transport } from "../client/mod.ts";
import { type DlgErrorType, type NodeRef, NODES_PATH, parseNode } from "../wire/mod.ts";
import { all, BULK_MS, Child, childDown, childError, fanOut, nodeClient } from "./children.ts";
import { type Split, splitBatch, type SplitOptions, type SplitState } from "./partition.ts";

/** The port a node string without one means. */
const NODE_PORT = 8000;
/** How long an island's list of down nodes is trusted. */
const DOWN_TTL_MS = 1_000;
/** An island's children and their health (`GET /api/children`, the web UI's table). */
const CHILDREN_PATH = "/api/children";

export class ChildSet {
  readonly attr: "node" | "island";
  /** Port assumed when a child's string has none: 8000 for nodes, 8001 for islands. */
  readonly defaultPort: number;
  /** How every client this manager makes reaches other tiers. */
  readonly transport: Transport | undefined;
  #list: Child[] = [];
  /** A master's informational node list (`POST /api/node/<n>`). */
  #extraNodes: string[] = [];
  /** A master's islands' nodes (`host:port`), as last asked. */
  #islandNodes = new WeakMap<Child, Set<string>>();
  #islandDown = new WeakMap<Child, { at: number; down: Map<string, string> }>();
  /** A master's clients for appends straight to nodes, by `host:port`. */
  #bulk = new Map<string, NodeManagerClient>();

  constructor(attr: "node" | "island", transport?: Transport) {
    this.attr = attr;
    this.transport = transport;
    this.defaultPort = attr === "node" ? 8000 : 8001;
  }

  get list(): readonly Child[] {
    return this.#list;
  }

  get #what(): string {
    return this.attr === "node" ? "island" : "master";
  }

  /** A child (or, with `port` 8000, a node) named by a request; 400 if malformed. */
  ref(s: string, port = this.defaultPort): NodeRef {
    try {
      return parseNode(s, port);
    } catch (e) {
      throw invalidGraph((e as Error).message);
    }
  }

  add(s: string): void {
    const ref = this.ref(s);
    if (this.#list.some((c) => c.ref.key === ref.key)) return;
    this.#list = [
      ...this.#list,
      new Child(ref, { depth: this.attr === "node" ? 1 : 2, transport: this.transport }),
    ];
  }

  remove(s: string): void {
    this.get(s);
    const key = this.ref(s).key;
    this.#list = this.#list.filter((c) => c.ref.key !== key);
  }

  get(s: string): Child {
    const key = this.ref(s).key;
    const c = this.#list.find((x) => x.ref.key === key);
    if (!c) throw unknownChild(`${s} is not a child of this ${this.#what} manager`);
    return c;
  }

  /**
   * Which of `children` (a session's) a partition value names, or undefined; each value is
   * parsed once (they repeat).
   */
  partOf(children: readonly Child[]): (value: string) => number | undefined {
    const seen = new Map<string, number | undefined>();
    return (v) => {
      if (seen.has(v)) return seen.get(v);
      let i: number | undefined;
      let key: string | undefined;
      try {
        key = this.ref(v).key;
        i = children.findIndex((c) => c.ref.key === key);
      } catch {
        i = -1;
      }
      // A child of this tier that is down (so not in the session): 555 naming it, not 400.
      const down = i < 0 ? this.#list.find((c) => c.ref.key === key && c.down) : undefined;
      if (down) throw childDown(down.name, down.down!);
      seen.set(v, i < 0 ? undefined : i);
      return seen.get(v);
    };
  }

  /**
   * Split a batch among `children` (a session's) by this tier's attribute; 400 naming the Drop
   * for one this tier cannot place.
   */
  split(
    children: readonly Child[],
    items: Record<string, unknown>[],
    o: { state: SplitState; apart?: SplitOptions["apart"]; edges?: boolean },
  ): Split {
    const partOf = this.partOf(children);
    return splitBatch(
      items,
      { attr: this.attr, nParts: children.length, partOf, apart: o.apart, edges: o.edges },
      o.state,
    );
  }

  /** `GET /api/nodes`: an island's children; a master's islands' nodes plus its own list. */
  async nodes(): Promise<string[]> {
    if (this.attr === "node") return this.#list.map((c) => c.name);
    const r = await fanOut(this.#list, (c) => c.client.request<unknown>("GET", NODES_PATH));
    const nodes = new Set<string>();
    for (const v of r.ok.values()) for (const n of Array.isArray(v) ? v : []) nodes.add(String(n));
    for (const n of this.#extraNodes) nodes.add(n);
    return [...nodes];
  }

  addExtraNode(s: string): void {
    const name = this.ref(s, NODE_PORT).name;
    if (!this.#extraNodes.includes(name)) this.#extraNodes.push(name);
  }

  removeExtraNode(s: string): void {
    const name = this.ref(s, NODE_PORT).name;
    if (!this.#extraNodes.includes(name)) throw unknownChild(`${s} is not a known node`);
    this.#extraNodes = this.#extraNodes.filter((n) => n !== name);
  }

  /** The node manager a `node` attribute names: a child at an island, reached directly above. */
  nodeClient(node: string): { name: string; client: Child["client"]; bulk: Child["bulk"] } {
    if (this.attr === "node") {
      const key = parseNode(node, 8000).key;
      const c = this.#list.find((x) => x.ref.key === key);
      if (c) return { name: c.name, client: c.client, bulk: c.bulk };
    }
    return nodeClient(node, this.transport);
  }

  /** An island's nodes as `host:port`: asked once, and again when `fresh`. */
  async islandNodes(c: Child, fresh: boolean): Promise<Set<string>> {
    let nodes = fresh ? undefined : this.#islandNodes.get(c);
    if (!nodes) {
      const list = (await all([c], (x) => x.client.request<unknown>("GET", NODES_PATH))).get(
        c.name,
      );
      nodes = new Set((Array.isArray(list) ? list : []).map((n) => parseNode(String(n)).key));
      this.#islandNodes.set(c, nodes);
    }
    return nodes;
  }

  /**
   * An island's nodes that are down now (`host:port` -> why), as its health checks say: asked
   * again after a second, so appends to a node its island has called down fail at once.
   */
  async downNodes(c: Child): Promise<Map<string, string>> {
    const known = this.#islandDown.get(c);
    if (known && Date.now() - known.at < DOWN_TTL_MS) return known.down;
    const down = new Map<string, string>();
    const list = await c.client.request<unknown>("GET", CHILDREN_PATH).catch(() => []);
    for (const x of Array.isArray(list) ? list : []) {
      const { name, up, error } = x as { name?: unknown; up?: unknown; error?: unknown };
      if (typeof name !== "string" || up !== false) continue;
      try {
        down.set(parseNode(name).key, typeof error === "string" ? error : "down");
      } catch {
        // Not a node string: nothing to match an append against.
      }
    }
    this.#islandDown.set(c, { at: Date.now(), down });
    return down;
  }

  /** A client for large appends straight to the node a `node` attribute names. */
  nodeBulk(node: string): NodeManagerClient {
    const ref = parseNode(node, NODE_PORT);
    let client = this.#bulk.get(ref.key);
    if (!client) {
      client = new NodeManagerClient(ref.url, { timeoutMs: BULK_MS, transport: this.transport });
      this.#bulk.set(ref.key, client);
    }
    return client;
  }

  /** `GET /api/node/<node>/...`: passed through to that node manager. */
  async passThrough(node: string, path: string): Promise<unknown> {
    let target: { name: string; client: Child["client"] };
    if (this.attr === "node") target = this.get(node);
    else {
      if (!(await this.nodes()).includes(this.ref(node, NODE_PORT).name)) {
        throw unknownChild(`${node} is not a node under this master`);
      }
      target = nodeClient(node, this.transport);
    }
    try {
      return await target.client.request("GET", path);
    } catch (e) {
      // The node's "no such session / Drop" is the answer, not a fault of the child.
      if (DlgClientError.is(e, "NoSessionException") || DlgClientError.is(e, "NoDropException")) {
        throw new HttpError(404, e.type as DlgErrorType, describeArgs(e.args), { args: e.args });
      }
      throw subManagerError({ [target.name]: childError(e, target) });
    }
  }
}
