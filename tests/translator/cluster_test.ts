/** Registers the cluster runs of the translator fixtures (see cluster.ts). */
import { clusterTests } from "./cluster.ts";

clusterTests();
