/** Physical graphs: Drop-spec schema, DALiuGE's forms normalised, validation. */
export {
  alreadyInSession,
  appearsTwice,
  graphItems,
  normalizeBatch,
  normalizeBatchSliced,
  parseJson,
} from "./batch.ts";
export { readGraph, SLICED_FROM } from "./read_graph.ts";
export {
  FULL_TURN_MS,
  SLICE_MS,
  slicedPieces,
  type TimeSlices,
  timeSlices,
  yieldIo,
  yieldLoop,
} from "./slices.ts";
export {
  concatBytes,
  jsonList,
  type LightItem,
  lightItems,
  RAW,
  rawValue,
  specBytes,
} from "./raw_items.ts";
export { innerPieces, rawEntries, type RawEntry } from "./raw_object.ts";
export { packBySize, packsBySize } from "./pack.ts";
export { graphRoots } from "./roots.ts";
export {
  type AppClass,
  type ClassTable,
  type DataClass,
  type DropClass,
  type Lookup,
} from "./classes.ts";
export {
  className,
  compactLinks,
  type DropSpec,
  knownClass,
  type Links,
  normalizeSpec,
  type OidList,
  share,
  type Shared,
  specNode,
  specRaw,
} from "./normalize.ts";
export { allParams, type ParamDecl, type Params, rawParam, resolveParams } from "./params.ts";
export {
  describeIssues,
  DropSpecSchema,
  GraphBodySchema,
  isGraphMetadata,
  type RawDropSpec,
} from "./schema.ts";
