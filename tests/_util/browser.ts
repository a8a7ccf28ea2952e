/**
 * Headless Chromium for the web UI tests (Debian's `chromium`, driven by puppeteer-core). When
 * it cannot start, the test fails saying so: .ci/run installs it.
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
/** Screenshots land here (gitignored). */
export const OUTPUT = new URL("../output/ui/", import.meta.url).pathname;

export async function launch(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does)`,
    );
  }
  try {
    return await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  } catch (e) {
    throw new Error(`chromium at ${CHROMIUM} could not start: ${(e as Error).message}`);
  }
}

/** A page that records its script errors (a test asserts there are none). */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => d.accept());
  await page.setViewport({ width: 1280, height: 800 });
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: `${OUTPUT}${name}.png` });
}

/** The text of `selector` once `ok(text)` holds (bounded). */
export async function textWhen(
  page: Page,
  selector: string,
  ok: (text: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < end) {
    last = await page.$eval(selector, (el) => el.textContent ?? "").catch(() => "");
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${selector}: still "${last}" after ${timeoutMs} ms`);
}
