// What a reader's browser shows: every page of target/book opened in Debian's Chromium.
//
//   node --test code/browser/book.test.mjs     (cargo xtask test runs it after building the book)
//
// For every page: zero console errors, every mermaid diagram rendered to an SVG without
// "Syntax error", every runnable Rust block with its Run button. For every bench chart: a
// non-zero size in the light theme and in a dark one, in the theme's text colour. Then the
// search box, axe-core's audit of every page in both themes, a 390 px wide reading with the
// keyboard, and the escaping fixture book. The machines have no internet, so the
// playground's crate list is answered locally and any other outside request fails the test.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, relative, resolve } from "node:path";
import { chromium } from "playwright-core";

const TARGET = resolve(process.env.TARGET_DIR ?? join(import.meta.dirname, "../../target"));
const BOOK = join(TARGET, "book");
const SHOTS = join(TARGET, "book-shots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// The crates the playground offers that a snippet may use, read from the one list the book's
// build checks (`PLAYGROUND_CRATES` in code/mdbook-lab/src/playground.rs), not kept twice. A
// block that declares any other `extern crate` loses its Run button, and the Run-button check
// below then names it.
const PLAYGROUND_CRATES = (() => {
    const source = readFileSync(
        join(import.meta.dirname, "../mdbook-lab/src/playground.rs"), "utf8");
    const list = source.match(/const PLAYGROUND_CRATES: \[&str; \d+\] =\s*\[([^\]]*)\]/);
    assert.ok(list, "playground.rs no longer declares `const PLAYGROUND_CRATES: [&str; N] = [...]`");
    return [...list[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
})();

const TYPES = {
    ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
    ".png": "image/png", ".json": "application/json", ".woff2": "font/woff2", ".woff": "font/woff",
    ".ttf": "font/ttf", ".txt": "text/plain", ".ico": "image/x-icon",
};

let server;
let origin;
let context;

before(async () => {
    // The book is served at the site root, as it is deployed (404.html links root-relatively);
    // fixture books live under /fixtures/.
    server = createServer((req, res) => {
        const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
        const base = path.startsWith("/fixtures/") ? TARGET : BOOK;
        let file = join(base, path);
        if (!file.startsWith(base)) {
            res.writeHead(403).end();
            return;
        }
        try {
            if (statSync(file).isDirectory()) file = join(file, "index.html");
            const body = readFileSync(file);
            res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
            res.end(body);
        } catch {
            res.writeHead(404).end("not found");
        }
    });
    await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
    origin = `http://127.0.0.1:${server.address().port}`;

    // A persistent context is how Playwright takes a fresh --user-data-dir of our choosing.
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "book-chromium-")), {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1200, height: 900 },
        args: [
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ],
    });
    await context.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (url.origin === origin) return route.continue();
        if (url.href === "https://play.rust-lang.org/meta/crates") {
            return route.fulfill({
                status: 200,
                contentType: "application/json",
                headers: { "access-control-allow-origin": "*" },
                body: JSON.stringify({
                    crates: PLAYGROUND_CRATES.map((id) => ({ id, name: id, version: "1.0.0" })),
                }),
            });
        }
        outsideRequests.push(url.href);
        return route.abort();
    });
});

after(async () => {
    await context?.close();
    server?.close();
});

const outsideRequests = [];

function pages() {
    const found = [];
    const walk = (dir) => {
        for (const name of readdirSync(dir)) {
            const path = join(dir, name);
            if (statSync(path).isDirectory()) walk(path);
            else if (name.endsWith(".html")) found.push(relative(BOOK, path));
        }
    };
    walk(BOOK);
    return found.sort();
}

/** The built pages (not the print page) whose HTML contains `marker`. */
function pagesWith(marker) {
    return pages()
        .filter((p) => p !== "print.html")
        .filter((p) => readFileSync(join(BOOK, p), "utf8").includes(marker));
}

/** Opens `path` under target/ with the given mdBook theme (and viewport width, if not the
 * context's), recording console errors. */
async function open(path, theme = "light", width = null) {
    const page = await context.newPage();
    if (width) await page.setViewportSize({ width, height: 844 });
    const errors = [];
    page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
    });
    page.on("pageerror", (err) => errors.push(String(err)));
    page.on("dialog", (dialog) => {
        errors.push(`a dialog opened: ${dialog.message()}`);
        dialog.dismiss();
    });
    await page.addInitScript((t) => localStorage.setItem("mdbook-theme", t), theme);
    await page.goto(`${origin}/${path}`, { waitUntil: "load" });
    return { page, errors };
}

/** Waits until mermaid has replaced every diagram's source with an SVG (or gives up). */
async function mermaidSettled(page) {
    await page
        .waitForFunction(
            () => [...document.querySelectorAll(".mermaid")].every((el) => el.querySelector("svg")),
            null,
            { timeout: 15000 },
        )
        .catch(() => {});
}

/** Waits until every playground block's Run button has been shown (or gives up). */
async function runButtonsSettled(page) {
    await page
        .waitForFunction(
            () => [...document.querySelectorAll("pre.playground")].every(
                (pre) => pre.querySelector(".play-button:not(.hidden)") && !pre.querySelector(".play-button").hidden,
            ),
            null,
            { timeout: 8000 },
        )
        .catch(() => {});
}

const totals = { pages: 0, diagrams: 0, charts: 0, runButtons: 0 };

test("every page: no console errors, diagrams rendered, Run buttons on runnable blocks", async () => {
    const problems = [];
    mkdirSync(SHOTS, { recursive: true });
    const all = pages();
    assert.ok(all.length > 3, `target/book has only ${all.length} pages; build the book first`);
    for (const path of all) {
        const { page, errors } = await open(path);
        await mermaidSettled(page);
        await runButtonsSettled(page);
        const seen = await page.evaluate(() => ({
            diagrams: [...document.querySelectorAll(".mermaid")].map((el) => ({
                svg: Boolean(el.querySelector("svg")),
                text: el.textContent.slice(0, 80),
            })),
            syntaxError: /Syntax error/i.test(document.body.innerText),
            playgrounds: [...document.querySelectorAll("pre.playground")].map((pre) => {
                const button = pre.querySelector(".play-button");
                return {
                    shown: Boolean(button) && !button.hidden && !button.classList.contains("hidden"),
                    first: pre.querySelector("code").innerText.trim().split("\n")[0],
                };
            }),
        }));
        for (const e of errors) problems.push(`${path}: console error: ${e}`);
        seen.diagrams.forEach((d, i) => {
            if (!d.svg) problems.push(`${path}: mermaid diagram ${i + 1} was not rendered: ${d.text}`);
        });
        if (seen.syntaxError) problems.push(`${path}: a mermaid diagram shows "Syntax error"`);
        seen.playgrounds.forEach((p, i) => {
            if (!p.shown) {
                problems.push(`${path}: Rust block ${i + 1} ("${p.first}") has no Run button; ` +
                    `it may only use std, ${PLAYGROUND_CRATES.join(", ")}`);
            }
        });
        totals.pages += 1;
        totals.diagrams += seen.diagrams.length;
        totals.runButtons += seen.playgrounds.filter((p) => p.shown).length;
        if (path === "index.html") await page.screenshot({ path: join(SHOTS, "introduction.png"), fullPage: true });
        await page.close();
    }
    for (const url of outsideRequests) problems.push(`a page requested ${url}; the book must work offline`);
    console.log(`checked ${totals.pages} pages, ${totals.diagrams} mermaid diagrams, ${totals.runButtons} Run buttons`);
    assert.deepEqual(problems, []);
});

test("bench charts are visible and take the text colour in light and dark themes", async () => {
    const problems = [];
    const withCharts = pagesWith('class="lab-chart"');
    assert.ok(withCharts.length > 0, "no page has a bench chart");
    for (const p of withCharts) {
        const luminance = {};
        for (const theme of ["light", "navy"]) {
            const { page, errors } = await open(p, theme);
            const charts = await page.$$eval(".lab-chart", (els) => els.map((el) => {
                const svg = el.querySelector("svg");
                const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
                const [r, g, b] = getComputedStyle(el).color.match(/\d+/g).map(Number);
                return { width: box.width, height: box.height, luminance: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 };
            }));
            charts.forEach((c, i) => {
                if (!(c.width > 0 && c.height > 0)) problems.push(`${p} (${theme}): chart ${i + 1} has size ${c.width}×${c.height}`);
            });
            luminance[theme] = charts.map((c) => c.luminance);
            for (const e of errors) problems.push(`${p} (${theme}): console error: ${e}`);
            if (theme === "light") totals.charts += charts.length;
            if (p.startsWith("02-")) await page.screenshot({ path: join(SHOTS, `bench-${theme}.png`), fullPage: true });
            await page.close();
        }
        luminance.light.forEach((l, i) => {
            if (!(l < 0.5 && luminance.navy[i] > 0.5)) {
                problems.push(`${p}: chart ${i + 1} ink is not readable in both themes (light ${l.toFixed(2)}, navy ${luminance.navy[i].toFixed(2)})`);
            }
        });
    }
    console.log(`checked ${totals.charts} bench charts in the light and navy themes`);
    assert.deepEqual(problems, []);
});

test("timelines are visible in both themes, and their switch shows one value at a time", async () => {
    const problems = [];
    const withTimelines = pagesWith('class="lab-timeline"');
    assert.ok(withTimelines.length > 0, "no page has a timeline");
    let timelines = 0;
    let switches = 0;
    for (const p of withTimelines) {
        const luminance = {};
        for (const theme of ["light", "navy"]) {
            const { page, errors } = await open(p, theme);
            // Every visible picture has a size and takes the theme's text colour.
            const shown = await page.$$eval("figure.lab-timeline .lab-timeline-picture:not([hidden]) svg", (svgs) =>
                svgs.map((svg) => {
                    const box = svg.getBoundingClientRect();
                    const [r, g, b] = getComputedStyle(svg).color.match(/\d+/g).map(Number);
                    return { width: box.width, height: box.height, luminance: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 };
                }));
            const figures = await page.$$eval("figure.lab-timeline", (els) => els.length);
            if (shown.length !== figures) problems.push(`${p} (${theme}): ${figures} timelines but ${shown.length} pictures shown`);
            shown.forEach((t, i) => {
                if (!(t.width > 0 && t.height > 0)) problems.push(`${p} (${theme}): timeline ${i + 1} has size ${t.width}×${t.height}`);
            });
            luminance[theme] = shown.map((t) => t.luminance);
            if (theme === "light") timelines += figures;
            // Each switch: choosing another value shows that value's picture, and only it.
            if (theme === "light") {
                for (const figure of await page.$$("figure.lab-timeline:has(.lab-timeline-switch)")) {
                    const values = await figure.$$eval("input[type=radio]", (inputs) => inputs.map((i) => i.value));
                    for (const value of values.slice(1)) {
                        await figure.$eval(`input[value="${value}"]`, (input) => input.click());
                        const visible = await figure.$$eval(".lab-timeline-picture", (pictures) =>
                            pictures.filter((el) => !el.hidden && el.getBoundingClientRect().height > 0).map((el) => el.dataset.x));
                        if (visible.length !== 1 || visible[0] !== value) {
                            problems.push(`${p}: choosing ${value} shows ${JSON.stringify(visible)}`);
                        }
                    }
                    switches += 1;
                }
            }
            for (const e of errors) problems.push(`${p} (${theme}): console error: ${e}`);
            if (p.startsWith("03-")) await page.screenshot({ path: join(SHOTS, `timelines-${theme}.png`), fullPage: true });
            await page.close();
        }
        luminance.light.forEach((l, i) => {
            if (!(l < 0.5 && luminance.navy[i] > 0.5)) {
                problems.push(`${p}: timeline ${i + 1} ink is not readable in both themes (light ${l.toFixed(2)}, navy ${luminance.navy[i].toFixed(2)})`);
            }
        });
    }
    console.log(`checked ${timelines} timelines in the light and navy themes, and ${switches} switches`);
    assert.ok(switches > 0, "no timeline has a switch");
    assert.deepEqual(problems, []);
});

// axe-core, pinned in package-lock.json, with its default rules.
const AXE = join(import.meta.dirname, "node_modules/axe-core/axe.min.js");

/** axe-core's violations on `page`: one entry per rule, with its impact and nodes. */
async function axeViolations(page) {
    await page.addScriptTag({ path: AXE });
    return page.evaluate(async () => {
        const { violations } = await window.axe.run(document, { resultTypes: ["violations"] });
        return violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ")),
        }));
    });
}

test("every claim's mark links to the legend, which says what each mark means", async () => {
    const problems = [];
    const withClaims = pagesWith('class="lab-claim lab-claim-');
    assert.ok(withClaims.length > 0, "no page has a claim");
    const targets = new Set();
    let marks = 0;
    for (const p of withClaims) {
        const { page } = await open(p);
        const found = await page.$$eval(".lab-claim > .lab-claim-mark", (els) => els
            .filter((el) => !el.closest(".lab-legend"))
            .map((el) => ({ tag: el.tagName, href: el.getAttribute("href"), title: el.getAttribute("title") })));
        found.forEach((m, i) => {
            if (m.tag !== "A" || !(m.href ?? "").endsWith("#lab-legend")) {
                problems.push(`${p}: claim ${i + 1}'s mark does not link to the legend (${m.tag} ${m.href})`);
            } else {
                targets.add(m.href);
            }
            if (!m.title) problems.push(`${p}: claim ${i + 1}'s mark has no tooltip in words`);
        });
        marks += found.length;
        await page.close();
    }
    assert.equal(targets.size, 1, `the marks link to more than one legend: ${[...targets]}`);
    const [legendPage] = [...targets][0].split("#");
    for (const theme of ["light", "navy"]) {
        const { page } = await open(legendPage, theme);
        const legend = await page.$eval("#lab-legend", (el) => el.innerText).catch(() => "");
        for (const words of ["holds", "did not hold", "not settled", "not checked", "95% interval", "ceiling"]) {
            if (!legend.includes(words)) problems.push(`${legendPage}: the legend does not explain "${words}"`);
        }
        // What a new reader sees first: the legend, and the first bench after it. The sticky
        // menu bar would sit over part of an element's picture, so it scrolls away here.
        const unstick = "#mdbook-menu-bar { position: static !important; }";
        await page.addStyleTag({ content: unstick });
        await page.locator("#lab-legend").screenshot({ path: join(SHOTS, `legend-${theme}.png`) });
        await page.locator("figure.lab-bench").first().screenshot({ path: join(SHOTS, `first-bench-${theme}.png`) });
        await page.close();
        const matrix = await open("12-performance-comparison.html", theme);
        await matrix.page.addStyleTag({ content: unstick });
        await matrix.page.locator("#bench-compare-cpu").screenshot({ path: join(SHOTS, `matrix-${theme}.png`) });
        await matrix.page.close();
    }
    console.log(`checked ${marks} claim marks on ${withClaims.length} pages`);
    assert.deepEqual(problems, []);
});

/** The keys results.json uses for metrics and settings (`pss_bytes`, `switch_us`): names for
 * claims to write, never for a reader to read. Only keys with an underscore, since a key such
 * as `handoffs` is also a word. */
function resultKeys() {
    const results = JSON.parse(readFileSync(join(TARGET, "lab/results.json"), "utf8"));
    const keys = new Set();
    for (const experiment of Object.values(results.experiments)) {
        keys.add(experiment.x);
        for (const point of experiment.series) {
            for (const key of Object.keys(point.extra ?? {})) keys.add(key);
            for (const key of Object.keys(point.params ?? {})) keys.add(key);
        }
    }
    return [...keys].filter((key) => key.includes("_"));
}

test("no table header, claim or quoted figure shows a metric key or a raw parameter", async () => {
    const problems = [];
    const keys = resultKeys();
    assert.ok(keys.length > 0, "results.json names no metric or setting with an underscore");
    for (const p of pagesWith('class="lab-')) {
        const { page } = await open(p);
        const seen = await page.evaluate(() => ({
            headers: [...document.querySelectorAll(".lab-bench-table th")].map((th) => th.innerText),
            // Tooltips too: a compact claim or a quoted figure says in its title what it is.
            claims: [...document.querySelectorAll(".lab-claim, .lab-measured, .lab-claim-note")]
                .filter((el) => !el.closest(".lab-legend"))
                .map((el) => `${el.innerText} ${el.title ?? ""}`),
        }));
        for (const header of seen.headers) {
            for (const key of keys) {
                if (header.includes(key)) problems.push(`${p}: a table header shows the key ${key}: "${header}"`);
            }
        }
        for (const claim of seen.claims) {
            const raw = claim.match(/\b[a-z_]+ = \d+/);
            if (raw) problems.push(`${p}: a claim names a point as "${raw[0]}": "${claim.slice(0, 120)}"`);
            for (const key of keys) {
                if (claim.includes(key)) problems.push(`${p}: a claim shows the key ${key}: "${claim.slice(0, 120)}"`);
            }
        }
        await page.close();
    }
    assert.deepEqual(problems, []);
});

test("every page in both themes: no serious or critical accessibility violation (axe-core)", async () => {
    const failures = [];
    const counts = {};
    for (const p of pages()) {
        for (const theme of ["light", "navy"]) {
            const { page } = await open(p, theme);
            await mermaidSettled(page);
            for (const v of await axeViolations(page)) {
                const key = `${v.impact} ${v.id}`;
                counts[key] = (counts[key] ?? 0) + v.nodes.length;
                if (v.impact === "serious" || v.impact === "critical") {
                    failures.push(`${p} (${theme}): ${v.impact} ${v.id}: ${v.help}: ${v.nodes.slice(0, 4).join(" | ")}`);
                }
            }
            await page.close();
        }
    }
    // Moderate and minor findings are listed, not failed on.
    const listed = Object.entries(counts).sort().map(([rule, nodes]) => `  ${rule}: ${nodes} nodes`);
    console.log(`axe-core violations over every page in the light and navy themes:\n${listed.join("\n") || "  none"}`);
    assert.deepEqual(failures, []);
});

test("at 390 px wide: nothing overflows but focusable scrollers, and the sidebar opens and closes by keyboard", async () => {
    const problems = [];
    for (const p of pages().filter((p) => !["print.html", "toc.html", "404.html"].includes(p))) {
        const { page } = await open(p, "light", 390);
        await mermaidSettled(page);
        const layout = await page.evaluate(() => {
            const width = window.innerWidth;
            const overflow = document.documentElement.scrollWidth - width;
            // Anything that scrolls sideways must be reachable by keyboard.
            const scrollers = "pre > code, .table-wrapper, .lab-chart, .lab-timeline-picture:not([hidden])";
            const unreachable = [...document.querySelectorAll(scrollers)]
                .filter((el) => el.scrollWidth > el.clientWidth + 1 && el.tabIndex < 0)
                .map((el) => el.className || el.tagName);
            // Charts and timelines keep a readable size and scroll inside the column.
            const wide = [...document.querySelectorAll(".lab-chart, .lab-timeline-picture:not([hidden])")]
                .filter((el) => el.getBoundingClientRect().right > width + 1)
                .map((el) => el.closest("figure")?.id ?? "a figure");
            return { overflow, unreachable, wide };
        });
        if (layout.overflow > 1) problems.push(`${p}: the page is ${layout.overflow}px wider than the viewport`);
        for (const u of layout.unreachable) problems.push(`${p}: a scrolling ${u} cannot take keyboard focus`);
        for (const w of layout.wide) problems.push(`${p}: ${w} is wider than the viewport`);

        // Tab to the sidebar toggle, then open and close the sidebar with the keyboard.
        let reached = false;
        for (let i = 0; i < 10 && !reached; i++) {
            await page.keyboard.press("Tab");
            reached = await page.evaluate(() => document.activeElement?.id === "mdbook-sidebar-toggle");
        }
        if (!reached) {
            problems.push(`${p}: Tab never reaches the sidebar toggle`);
        } else {
            const visible = () => page.evaluate(() => document.documentElement.classList.contains("sidebar-visible"));
            const before = await visible();
            await page.keyboard.press("Enter");
            const opened = await visible();
            await page.keyboard.press(" ");
            const closed = await visible();
            if (before || !opened || closed) {
                problems.push(`${p}: the sidebar went ${before} → ${opened} → ${closed} (hidden → shown → hidden expected)`);
            }
        }
        if (p.startsWith("02-")) await page.screenshot({ path: join(SHOTS, "bench-390px.png"), fullPage: true });
        await page.close();
    }
    assert.deepEqual(problems, []);
});

test("the search box finds a word from a later chapter", async () => {
    // "convoy" appears only in the GIL chapter, two chapters after the page searched from.
    const { page } = await open("index.html");
    await page.click("#mdbook-search-toggle");
    // Type key by key, as a reader does: the search runs on key events once its index loads.
    await page.locator("#mdbook-searchbar").pressSequentially("convoy", { delay: 60 });
    await page.waitForSelector("#mdbook-searchresults li a", { timeout: 15000 });
    const links = await page.$$eval("#mdbook-searchresults li a", (as) => as.map((a) => a.getAttribute("href")));
    await page.close();
    assert.ok(links.some((href) => href.startsWith("03-gil.html")), `results: ${links.join(", ")}`);
});

test("HTML in captured output and in titles is shown as text, never run", async () => {
    const { page, errors } = await open("fixtures/escaping/html/chapter.html");
    const text = await page.innerText("main");
    await page.close();
    assert.ok(text.includes("<script>alert(1)</script>"), "the script tag must show as text");
    assert.ok(text.includes("a & b"), "the ampersand must show as text");
    assert.deepEqual(errors, []);
});
