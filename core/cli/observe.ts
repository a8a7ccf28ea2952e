/**
 * What a served manager shows about itself: its logs (stderr, `-l` session files, the logs
 * route) and its metrics (`GET /metrics`), wired to the manager's kind.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { reduceSessionStatus, sessionStatusName } from "../client/mod.ts";
import { dropStateName } from "../drops/mod.ts";
import {
  compositeLogsRoute,
  CompositeSessionLog,
  logChildren,
  logManagerEvents,
  nodeLogsRoute,
  requestLog,
  SessionLogFiles,
} from "../log/mod.ts";
import { CompositeManager, type DropManager, NodeManager } from "../manager/mod.ts";
import { httpMetrics, Metrics, metricsRoute } from "../metrics/mod.ts";

export interface Observed {
  use: MiddlewareHandler[];
  routes: Hono[];
  /** The manager listens there (session log files are named after it). */
  listening(host: string, port: number): void;
  stop(): void;
}

function bump(by: Record<string, number>, key: string, n = 1): void {
  by[key] = (by[key] ?? 0) + n;
}

/** Sessions by state name, from `sessions()` (a composite asks its children). */
async function sessionsByState(m: DropManager): Promise<Record<string, number>> {
  const by: Record<string, number> = {};
  for (const s of await m.sessions()) bump(by, sessionStatusName(reduceSessionStatus(s.status)));
  return by;
}

/** Logs and metrics for `manager`; `metrics` is the one its transport already counts with. */
export function observe(
  manager: DropManager,
  o: { name: string; metrics: Metrics; logDir?: string; checkPeriod?: number },
): Observed {
  const files = o.logDir ? new SessionLogFiles(o.logDir) : undefined;
  const { metrics } = o;
  const stops: (() => void)[] = [];
  const use: MiddlewareHandler[] = [requestLog(manager.kind), httpMetrics(o.metrics)];
  const tier = manager.kind;
  const routes = [metricsRoute(metrics)];
  metrics.attach({ sessions: () => sessionsByState(manager) });
  if (manager instanceof NodeManager) {
    const nm = manager;
    metrics.attach({
      drops: () => {
        const by: Record<string, number> = {};
        // Drops exist once a session is deployed (before, it holds specs): counted in place.
        for (const s of nm.sessions()) {
          for (const d of nm.get(s.sessionId).drops?.values() ?? []) {
            bump(by, dropStateName(d.status));
          }
        }
        return by;
      },
      pools: { worker: () => pick(nm.workers), python: () => pick(nm.python) },
    });
    stops.push(metrics.watch(nm.events));
    stops.push(logManagerEvents(nm.events, {
      name: tier,
      files,
      dropError: (sid, oid) => {
        try {
          return nm.get(sid).drop(oid).error;
        } catch {
          return undefined;
        }
      },
    }));
    routes.push(nodeLogsRoute(nm, files));
  } else if (manager instanceof CompositeManager) {
    const cm = manager;
    metrics.attach({ children: () => cm.children });
    stops.push(logChildren(() => cm.children, { name: tier, periodMs: 1000 }));
    const sessions = new CompositeSessionLog(cm, { name: tier, files });
    stops.push(() => sessions.stop());
    // A deployed session is followed on its merged stream, for its state changes.
    use.push(async (c, next) => {
      await next();
      const m = /^\/api\/sessions\/([^/]+)\/deploy$/.exec(c.req.path);
      if (m && c.req.method === "POST" && c.res.ok) sessions.follow(decodeURIComponent(m[1]!));
    });
    routes.push(compositeLogsRoute(cm, files));
  }
  return {
    use,
    routes,
    listening: (host, port) => files?.listening(host, port),
    stop: () => stops.forEach((s) => s()),
  };
}

function pick(p: { size: number; workers: number; busy: number; queued: number }) {
  return { size: p.size, workers: p.workers, busy: p.busy, queued: p.queued };
}
