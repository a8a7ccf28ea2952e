/** Large shared buffers: huge pages, and a weight the garbage collector sees. */
export { adviseHugePages, HUGE_PAGES_FROM } from "./huge_pages.ts";
export { weigh, WEIGH_FROM } from "./shared_buffer.ts";
