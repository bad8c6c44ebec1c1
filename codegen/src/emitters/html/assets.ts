/** The page's whole stylesheet: no fonts, no images, nothing fetched. */
export const STYLE = `
:root { --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --side: #f6f8fa; --accent: #0969da;
  --get: #1a7f37; --post: #8250df; --err: #cf222e; --reset: #9a6700; --code: #f6f8fa; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.layout { display: grid; grid-template-columns: 300px minmax(0, 1fr); min-height: 100vh; }
nav.sidebar { position: sticky; top: 0; height: 100vh; overflow: auto; background: var(--side); border-right: 1px solid var(--line); padding: 16px; }
nav.sidebar h1 { font-size: 17px; margin: 0 0 2px; }
nav.sidebar .version { color: var(--muted); font-size: 13px; margin-bottom: 12px; }
nav.sidebar input { width: 100%; padding: 7px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; background: #fff; }
nav.sidebar ul { list-style: none; margin: 0; padding: 0; }
nav.sidebar > ul { margin-top: 12px; }
nav.sidebar li.nav-route { margin: 8px 0; }
nav.sidebar li.nav-route > a { display: flex; flex-wrap: wrap; column-gap: 6px; align-items: baseline; font-weight: 600; color: var(--fg); }
nav.sidebar li.nav-route > a .path { flex-basis: 100%; padding-left: 22px; font-weight: 400; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
nav.sidebar li.nav-event { padding-left: 22px; font-size: 13px; }
nav.sidebar li.nav-event a { color: var(--muted); }
main { padding: 24px 40px 80px; max-width: 1100px; }
header.doc h1 { margin: 0; font-size: 26px; }
header.doc .description { color: var(--muted); margin: 6px 0 0; white-space: pre-line; }
.servers { margin: 12px 0 0; padding: 0; list-style: none; }
.servers li code { background: var(--code); padding: 1px 6px; border-radius: 4px; }
section.route { border-top: 1px solid var(--line); margin-top: 32px; padding-top: 20px; }
section.route h2 { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 0; font-size: 20px; }
section.route h2 .path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 17px; overflow-wrap: anywhere; }
.key { color: var(--muted); font-weight: 400; font-size: 14px; }
.summary { margin: 6px 0 0; font-weight: 500; }
.description { white-space: pre-line; }
.badge { display: inline-block; border-radius: 5px; padding: 1px 7px; font-size: 12px; font-weight: 700; letter-spacing: .02em; color: #fff; background: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.badge.GET { background: var(--get); }
.badge.POST { background: var(--post); }
.badge.error { background: var(--err); }
.badge.reset { background: var(--reset); }
.badge.light { background: #eef1f4; color: var(--fg); font-weight: 500; }
.badge.deprecated { background: #6e7781; }
h3 { font-size: 15px; margin: 20px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--side); font-weight: 600; }
td.field code { font-weight: 600; }
td.d1 { padding-left: 24px; } td.d2 { padding-left: 40px; } td.d3 { padding-left: 56px; } td.d4 { padding-left: 72px; }
td.d5 { padding-left: 88px; } td.d6 { padding-left: 104px; } td.d7 { padding-left: 120px; } td.d8 { padding-left: 136px; }
td.type code { color: #953800; }
td.req .yes { color: var(--err); font-size: 12px; font-weight: 600; }
td.req .no { color: var(--muted); font-size: 12px; }
td.details span { display: inline; margin-right: 6px; }
td.details code { background: var(--code); padding: 0 4px; border-radius: 4px; }
code.chip { border: 1px solid var(--line); }
.note { color: var(--muted); font-style: italic; }
article.event { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
article.event h4.event-name { text-transform: none; letter-spacing: 0; color: var(--fg); font-size: 16px; margin: 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow: auto; margin: 4px 0 8px; position: relative; white-space: pre; }
.snippet { position: relative; }
.snippet button.copy { z-index: 1; position: absolute; top: 6px; right: 6px; font: 12px system-ui, sans-serif; border: 1px solid var(--line); background: #fff; border-radius: 5px; padding: 2px 8px; cursor: pointer; }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; }
.responses li { margin: 2px 0; }
#no-match { color: var(--muted); font-style: italic; margin-top: 24px; }
[hidden] { display: none !important; }
@media (max-width: 800px) { .layout { grid-template-columns: 1fr; } nav.sidebar { position: static; height: auto; } main { padding: 16px; } }
`;

/**
 * The page's only script: the search filter over routes and events (sidebar and content alike) and the copy
 * buttons. It reads names from `data-*` attributes, so no contract text is ever placed inside the script.
 */
export const SCRIPT = `
(function () {
  'use strict';
  var input = document.getElementById('search');
  var sections = Array.prototype.slice.call(document.querySelectorAll('section[data-route]'));
  var navRoutes = Array.prototype.slice.call(document.querySelectorAll('li[data-nav-route]'));
  var noMatch = document.getElementById('no-match');
  function matches(text, query) { return text.toLowerCase().indexOf(query) !== -1; }
  function apply() {
    var query = input.value.trim().toLowerCase();
    var visibleRoutes = 0;
    sections.forEach(function (section, index) {
      var routeHit = query === '' || matches(section.getAttribute('data-search') || '', query);
      var events = Array.prototype.slice.call(section.querySelectorAll('article[data-event]'));
      var eventHits = 0;
      var nav = navRoutes[index];
      var navEvents = nav ? Array.prototype.slice.call(nav.querySelectorAll('li[data-nav-event]')) : [];
      events.forEach(function (article, i) {
        var hit = query !== '' && matches(article.getAttribute('data-event') || '', query);
        if (hit) eventHits++;
        var show = routeHit || hit;
        article.hidden = !show;
        if (navEvents[i]) navEvents[i].hidden = !show;
      });
      var visible = routeHit || eventHits > 0;
      section.hidden = !visible;
      if (nav) nav.hidden = !visible;
      if (visible) visibleRoutes++;
    });
    noMatch.hidden = visibleRoutes !== 0;
  }
  input.addEventListener('input', apply);
  document.addEventListener('keydown', function (event) {
    if (event.key === '/' && document.activeElement !== input) { event.preventDefault(); input.focus(); }
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (button) {
    button.addEventListener('click', function () {
      var pre = button.parentNode.querySelector('pre');
      var text = pre ? pre.textContent : '';
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1200); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { button.textContent = 'Select and copy'; });
      } else {
        button.textContent = 'Select and copy';
      }
    });
  });
  apply();
})();
`;
