/**
 * Request durations as one Prometheus histogram, counted in plain arrays per series: prom-client's
 * `Histogram.observe` builds, checks and hashes a label object on every call, a few percent of a
 * status poll's CPU under load. The registry reads it through `get()`, as it reads its own.
 */
import type { Registry } from "prom-client";

/** One label set's counts; made once per series, kept by whoever observes it. */
export interface Series {
  readonly labels: Record<string, string>;
  /** Observations per bucket (not cumulative), the last one past every bound. */
  readonly counts: Float64Array;
  sum: number;
}

interface Value {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export class RouteHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly #bounds: readonly number[];
  readonly #series: Series[] = [];

  constructor(o: { name: string; help: string; buckets: readonly number[]; registry: Registry }) {
    this.name = o.name;
    this.help = o.help;
    this.#bounds = [...o.buckets].sort((a, b) => a - b);
    // The registry needs only name, type and `get()` of a metric.
    o.registry.registerMetric(this as unknown as Parameters<Registry["registerMetric"]>[0]);
  }

  /** A new series for `labels` (the caller keeps it: no lookup per observation). */
  series(labels: Record<string, string>): Series {
    const s = { labels, counts: new Float64Array(this.#bounds.length + 1), sum: 0 };
    this.#series.push(s);
    return s;
  }

  observe(s: Series, value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
  }

  /** What the registry shows: cumulative `_bucket`s with `le`, `_sum` and `_count` per series. */
  get(): Promise<
    { name: string; help: string; type: string; aggregator: string; values: Value[] }
  > {
    const values: Value[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series) {
      let acc = 0;
      this.#bounds.forEach((le, i) => {
        acc += s.counts[i]!;
        values.push({ labels: { ...s.labels, le }, value: acc, metricName: bucket });
      });
      acc += s.counts[this.#bounds.length]!;
      values.push({ labels: { ...s.labels, le: "+Inf" }, value: acc, metricName: bucket });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: acc, metricName: `${this.name}_count` });
    }
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  reset(): void {
    for (const s of this.#series) {
      s.counts.fill(0);
      s.sum = 0;
    }
  }
}
