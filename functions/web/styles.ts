import { createHash } from 'node:crypto';

/**
 * The one stylesheet of every page: system fonts (no web font to download; Noto CJK or the phone's own), a single
 * column that works from 320 px, colours at WCAG AA contrast or better, and the 适老化 mode (`.elder` on <html>:
 * larger text, stronger contrast, fewer decorations). It is small (under 2 KiB gzipped), so each page carries it
 * inline: on a slow mobile network the round trip for a separate stylesheet, which blocks the first paint, cost
 * more than half a second. The CSP admits exactly this text by its hash (STYLES_CSP).
 */
export const STYLES = `
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#d0d0d0;--brand:#a4161a;--link:#0b4ea2;--bg:#fff;--soft:#f4f4f2;--focus:#ffbf47}
*{box-sizing:border-box}
html{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;font-size:100%;line-height:1.6;color:var(--ink);background:var(--bg);-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column}
.grow{flex:1 0 auto;width:100%}
a{color:var(--link)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid var(--focus);outline-offset:2px;box-shadow:0 0 0 5px var(--ink)}
.wrap{max-width:64rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-999px;top:0;background:var(--focus);color:var(--ink);padding:.5rem 1rem;z-index:2}
.skip:focus{left:0}
.top{background:var(--brand);color:#fff}
.top .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;padding-top:.6rem;padding-bottom:.6rem}
.top a{color:#fff}
.site{font-size:1.25rem;font-weight:700;text-decoration:none}
.tools{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0;list-style:none;font-size:.95rem}
.tools form{display:inline;margin:0}
.tools button{font:inherit;color:#fff;background:none;border:0;padding:0;text-decoration:underline;cursor:pointer}
nav.crumbs{font-size:.9rem;color:var(--muted);margin:.75rem 0 0}
nav.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem}
nav.crumbs li+li::before{content:"›";margin-right:.25rem}
main{padding:1rem 0 2rem}
h1{font-size:1.75rem;line-height:1.3;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin:1.5rem 0 .5rem;border-bottom:2px solid var(--line);padding-bottom:.25rem}
.lede{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{font-weight:700}
dl.facts dd{margin:0;overflow-wrap:anywhere}
ul.units{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.25rem 1rem}
ul.units a{display:block;padding:.35rem 0}
ul.units.big{grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.75rem}
ul.units.big a{font-size:1.25rem;font-weight:700;padding:1rem;border:1px solid var(--line);background:var(--soft);text-decoration:none}
.button{display:inline-block;font:inherit;font-weight:700;background:var(--brand);color:#fff;border:2px solid var(--brand);padding:.5rem 1.25rem;text-decoration:none;cursor:pointer}
.button.secondary{background:#fff;color:var(--brand)}
h3{font-size:1.1rem;margin:1rem 0 .25rem}
ul.items{list-style:none;padding:0;margin:1rem 0}
ul.items li{border-bottom:1px solid var(--line);padding:.6rem 0}
ul.items a{font-weight:700;font-size:1.1rem}
ul.items span{display:block;color:var(--muted);font-size:.9rem}
form.search{margin:1rem 0}
.row{display:flex;gap:.5rem;flex-wrap:wrap}
.row input{flex:1 1 10rem;min-width:0}
label{display:block;font-weight:700;margin:.25rem 0}
input,select,textarea{font:inherit;border:2px solid var(--ink);padding:.4rem .5rem;max-width:100%;background:#fff;color:var(--ink)}
.field{margin:0 0 1rem}
.field input{width:100%;max-width:30rem}
.hint{color:var(--muted);margin:0 0 .25rem}
.invalid{border-left:4px solid var(--brand);padding-left:.75rem}
.error{color:var(--brand);font-weight:700;margin:0 0 .25rem}
.errors{border:3px solid var(--brand);padding:.5rem 1rem;margin:1rem 0}
.errors h2{border:0;margin:.25rem 0}
.prose{white-space:pre-line}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft)}
.panel{background:var(--soft);border-left:4px solid var(--brand);padding:.75rem 1rem;margin:1rem 0}
.pager{margin-top:1rem}
footer{border-top:4px solid var(--brand);background:var(--soft);font-size:.9rem;color:var(--muted)}
footer .wrap{padding-top:1rem;padding-bottom:1.5rem}
footer p{margin:.25rem 0}
footer a{color:var(--link)}
.mark{display:inline-block;border:1px solid var(--brand);color:var(--brand);padding:0 .4rem;font-weight:700;text-decoration:none}
@media (max-width:30rem){h1{font-size:1.45rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}}
html.elder{font-size:125%;--muted:#1a1a1a;--line:#1a1a1a;--link:#00307a;--soft:#fff}
html.elder body{letter-spacing:.02em}
html.elder ul.units{grid-template-columns:1fr}
html.elder ul.items span{color:var(--ink)}
html.elder a{text-decoration-thickness:2px}
html.elder .lede{font-size:1.05rem}
.panel strong,dl.facts dd{overflow-wrap:anywhere}
details{margin:0 0 1rem}
summary{cursor:pointer;font-weight:700}
.qa{border-bottom:1px solid var(--line);padding:.25rem 0 .5rem}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:0 1rem}
.filters input,.filters select{width:100%}
mark{background:#fff0a0;color:var(--ink)}
.snippet{margin:.25rem 0 0;color:var(--muted)}
.doc-body{margin:1.5rem 0;font-size:1.05rem;line-height:1.8}
.field fieldset{border:1px solid var(--line);padding:.5rem .75rem;margin:0}
.field legend{font-weight:700;padding:0 .25rem}
label.option{display:flex;align-items:center;gap:.6rem;font-weight:400;margin:.4rem 0;min-height:2rem}
.field label.option input{width:1.25rem;height:1.25rem;margin:0;flex:none}
.field textarea{width:100%;max-width:30rem}
ol.timeline{padding-left:1.5rem}
ol.timeline time{color:var(--muted)}
fieldset.uploads{border:1px solid var(--line);padding:.5rem .75rem;margin:1rem 0}
fieldset.uploads[hidden],.no-script[hidden]{display:none}
fieldset.uploads progress{display:block;width:100%;height:1rem;margin-top:.4rem}
fieldset.uploads progress[hidden]{display:none}
fieldset.uploads input[type=file]{max-width:100%}
.upload-status{margin:.25rem 0;color:var(--ink)}
`.replace(/\n/g, '');

/** The page's inline stylesheet as the CSP's `style-src` names it. */
export const STYLES_CSP = `'sha256-${createHash('sha256').update(STYLES).digest('base64')}'`;

/**
 * Printing drops the navigation and shows link targets, for service guides printed at counters. A stylesheet of its
 * own, linked with media="print": the browser fetches it without holding the screen's first paint for it.
 */
export const PRINT_STYLES = `
@media print{.top .tools,.skip,nav.crumbs,.noprint,footer .tools,form.search{display:none}.top{background:none;color:#000;border-bottom:2px solid #000}.top a{color:#000}
a[href^="http"]::after,a[href^="/"]::after{content:" (" attr(href) ")";font-size:.8em}html{font-size:11pt}main{padding:0}h2{break-after:avoid}}
@media print{.doc-body{font-size:12pt}mark{background:none;font-weight:700}}
@media print{fieldset.uploads,.no-script{display:none}}
`.replace(/\n/g, '');

/** The print stylesheet's address carries its hash, so that it can be cached for a year and changes all the same. */
export const PRINT_STYLES_FILE = `print.${createHash('sha256').update(PRINT_STYLES).digest('hex').slice(0, 12)}.css`;
