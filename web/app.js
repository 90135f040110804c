// storyline's web page: the stories (#/), one story (#/story/ID). Plain JavaScript,
// talking to the JSON API of the same server; nothing is fetched from elsewhere.
'use strict';

const main = document.getElementById('main');
const enc = new TextEncoder();
const dec = new TextDecoder();

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}
// "The NRI Nation (from boilerplate) · credit Reuters": the outlet, how it was
// found when not given with the article, and the wire credit.
function outlet(a) {
  if (!a.source) return 'unknown source' + (a.credit ? ` · credit ${a.credit}` : '');
  const how = a.outlet_evidence && a.outlet_evidence !== 'input' ? ` (from ${a.outlet_evidence})` : '';
  return a.source + how + (a.credit ? ` · credit ${a.credit}` : '');
}
function day(iso) { return iso ? iso.slice(0, 10) : 'undated'; }
function range(a, b) {
  if (!a && !b) return 'undated';
  if (day(a) === day(b)) return day(a);
  return `${day(a)} – ${day(b)}`;
}
function badge(rel) { return `<span class="badge ${esc(rel)}" data-relation="${esc(rel)}">${esc(rel)}</span>`; }
async function api(path) {
  const r = await fetch(path, {headers: {'Accept': 'application/json'}});
  const body = await r.json().catch(() => ({error: `HTTP ${r.status}`}));
  if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
  return body;
}

// ---- The list --------------------------------------------------------------

async function showList(params) {
  const q = new URLSearchParams(params);
  if (!q.has('limit')) q.set('limit', '25');
  main.innerHTML = '<p class="muted">Loading…</p>';
  let page;
  try { page = await api('/api/stories?' + q); } catch (e) { main.innerHTML = `<p class="error">${esc(e.message)}</p>`; return; }
  const items = page.stories.map(s => {
    const sources = s.sources.length ? s.sources.join(', ') : 'unknown source';
    const rels = {};
    for (const m of s.members) rels[m.relation] = (rels[m.relation] || 0) + 1;
    const relText = Object.entries(rels).map(([r, n]) => `${n} ${r}`).join(', ');
    return `<li class="card story-row" data-story="${s.story}">
      <h2><a href="#/story/${s.story}">${esc(s.title || '(untitled)')}</a></h2>
      <div class="meta">
        <span class="count">${s.members.length} member${s.members.length === 1 ? '' : 's'}</span>
        <span>${esc(relText)}</span>
        <span>${esc(sources)}</span>
        <span>${esc(range(s.first_seen, s.last_seen))}</span>
        ${s.topic !== null ? `<a class="badge topic" href="#/?topic=${s.topic}" title="stories of this topic">topic ${s.topic}${s.topic_label ? ': ' + esc(s.topic_label) : ''}</a>` : ''}
      </div></li>`;
  }).join('');
  const title = q.get('q') ? `Stories matching “${esc(q.get('q'))}”` : q.get('topic') ? `Stories of topic ${esc(q.get('topic'))}` : 'Stories, newest first';
  const next = new URLSearchParams(q);
  if (page.next) next.set('cursor', page.next);
  main.innerHTML = `<h1>${title}</h1>
    ${page.stories.length ? `<ul class="stories">${items}</ul>` : '<p class="muted">No stories. Ingest some articles: <code>storyline ingest --db FILE INPUT...</code></p>'}
    <div class="pager"><span>${q.has('cursor') ? '<a href="#/">« first page</a>' : ''}</span>
    <span>${page.next ? `<a id="next" href="#/?${esc(next.toString())}">next page »</a>` : ''}</span></div>`;
}

// ---- Highlighting by byte offsets -------------------------------------------

// Wraps byte ranges [start, end) of `text` (offsets into its UTF-8 bytes) in marks.
// `ranges`: [{start, end, cls, title}]; they may overlap or nest (a shared passage
// inside a quote): each stretch gets the classes of every range covering it.
function highlight(text, ranges) {
  const bytes = enc.encode(text);
  const rs = ranges.filter(r => r.end > r.start && r.start >= 0 && r.end <= bytes.length);
  const cuts = [...new Set([0, bytes.length, ...rs.flatMap(r => [r.start, r.end])])].sort((a, b) => a - b);
  let out = '';
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = esc(dec.decode(bytes.subarray(from, to)));
    const cover = rs.filter(r => r.start <= from && r.end >= to);
    if (!cover.length) { out += piece; continue; }
    const cls = [...new Set(cover.map(r => r.cls))].join(' ');
    const title = [...new Set(cover.map(r => r.title).filter(Boolean))].join('; ');
    out += `<mark class="${cls}" title="${esc(title)}">${piece}</mark>`;
  }
  return out;
}

// ---- The timeline (plain SVG) -----------------------------------------------

const relColor = {original: '#1f7a3a', duplicate: '#6b6b6b', 'near-duplicate': '#8a5a00', rewrite: '#b3261e', 'same-story': '#1a5fb4'};

function timeline(points, storyId) {
  const dated = points.filter(p => p.date);
  const undated = points.length - dated.length;
  if (!dated.length) return `<p class="muted">No dates known for the timeline (${undated} undated).</p>`;
  const W = 900, rowH = 22, left = 170, right = 30, top = 26;
  const rows = dated.map((p, i) => ({...p, t: Date.parse(p.date), i}));
  let t0 = Math.min(...rows.map(r => r.t)), t1 = Math.max(...rows.map(r => r.t));
  if (t1 - t0 < 86400e3) { t0 -= 3 * 86400e3; t1 += 3 * 86400e3; }
  const pad = (t1 - t0) * 0.04; t0 -= pad; t1 += pad;
  const x = t => left + (t - t0) / (t1 - t0) * (W - left - right);
  const H = top + rows.length * rowH + 28;
  let svg = `<svg class="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-label="timeline">`;
  // Axis with about six ticks.
  const ticks = 6;
  for (let k = 0; k <= ticks; k++) {
    const t = t0 + (t1 - t0) * k / ticks, xx = x(t);
    svg += `<line x1="${xx}" y1="${top - 8}" x2="${xx}" y2="${H - 22}" stroke="#eef1f4"/>`;
    svg += `<text x="${xx}" y="${H - 8}" text-anchor="middle">${new Date(t).toISOString().slice(0, 10)}</text>`;
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2, xx = x(r.t);
    const label = (r.kind === 'member' ? r.id : `story ${r.story}`) + '';
    const name = esc(label.length > 24 ? label.slice(0, 23) + '…' : label);
    if (r.kind === 'member') {
      svg += `<text x="${left - 8}" y="${y + 4}" text-anchor="end">${name}</text>`;
      svg += `<circle class="tl-member" cx="${xx}" cy="${y}" r="6" fill="${relColor[r.relation] || '#444'}"><title>${esc(r.id)} (${esc(r.relation)}) ${day(r.date)}: ${esc(r.label)}</title></circle>`;
    } else {
      svg += `<a href="#/story/${r.story}"><text x="${left - 8}" y="${y + 4}" text-anchor="end" fill="#5e4fa2">${name}</text>`;
      svg += `<rect class="tl-story" x="${xx - 5}" y="${y - 5}" width="10" height="10" fill="#5e4fa2"><title>story ${r.story} ${day(r.date)}: ${esc(r.label)}</title></rect></a>`;
    }
  });
  svg += '</svg>';
  return svg + `<p class="muted">● members of this story (colour = relation), ■ other stories of the topic${undated ? `; ${undated} undated not drawn` : ''}.</p>`;
}

// ---- One story ---------------------------------------------------------------

async function showStory(id) {
  main.innerHTML = '<p class="muted">Loading…</p>';
  let s;
  try { s = await api(`/api/stories/${encodeURIComponent(id)}`); } catch (e) { main.innerHTML = `<p class="error">${esc(e.message)}</p>`; return; }
  const ids = s.members.map(m => m.id);
  const articles = {};
  await Promise.all(ids.map(async a => { try { articles[a] = await api(`/api/articles/${encodeURIComponent(a)}`); } catch (e) { /* shown as missing */ } }));
  const orig = s.original || (s.members[0] && s.members[0].id);
  const byId = Object.fromEntries(s.members.map(m => [m.id, m]));

  const members = s.members.map(m => `<li class="member" data-id="${esc(m.id)}">${badge(m.relation)}
      <strong>${esc(m.title || m.id)}</strong>
      <span class="muted">${esc(m.id)} · <span class="outlet">${esc(outlet(m))}</span> · ${esc(day(m.published))}${m.of ? ` · of ${esc(m.of)}` : ''}</span></li>`).join('');

  // Side by side: the original against each derived member, shared passages marked.
  // Derived members (copies and rewrites of the original) first: they are the ones
  // with passages to show side by side.
  const derived = m => ['duplicate', 'near-duplicate', 'rewrite'].includes(m.relation) ? 0 : 1;
  const others = s.members.filter(m => m.id !== orig).sort((a, b) => derived(a) - derived(b)).map(m => m.id);
  const compareOptions = others.map(a => `<option value="${esc(a)}">${esc(a)} (${esc(byId[a].relation)})</option>`).join('');

  const quotes = s.quotes.map(q => `<li class="quote-item"><blockquote>“${esc(q.text)}”</blockquote>
      <span class="speaker">${esc(q.speaker || 'speaker unknown')}</span>
      <span class="muted"> · in ${esc(q.id)}${q.shared_by > 1 ? ` · shared by ${q.shared_by} members` : ''}</span></li>`).join('');
  const names = s.key_names.map(n => `<span class="chip">${esc(n.name)} <small>${esc(n.kind)}</small></span>`).join('');
  const terms = s.key_terms.map(t => `<span class="chip">${esc(t.term)}</span>`).join('');
  const summary = s.summary.map(x => `<li>${esc(x)}</li>`).join('');
  const setAside = ids.map(a => {
    const art = articles[a];
    if (!art) return '';
    const rows = art.set_aside.map(l => `<tr><td class="reason">${esc(l.reason)}</td><td>${esc(l.text)}</td></tr>`).join('');
    return `<details class="setaside" data-id="${esc(a)}"><summary>${esc(a)}: ${art.set_aside.length} line${art.set_aside.length === 1 ? '' : 's'} set aside</summary>
      ${rows ? `<table>${rows}</table>` : '<p class="muted">none</p>'}</details>`;
  }).join('');

  main.innerHTML = `
    <p><a href="#/">« all stories</a></p>
    <h1 id="story-title">${esc(s.title || '(untitled)')}</h1>
    <div class="meta"><span>story ${s.story}</span><span>${s.members.length} members</span>
      <span>${esc(s.sources.join(', ') || 'unknown source')}</span><span>${esc(range(s.first_seen, s.last_seen))}</span>
      ${s.topic !== null ? `<a class="badge topic" href="#/?topic=${s.topic}">topic ${s.topic}${s.topic_label ? ': ' + esc(s.topic_label) : ''}</a>` : ''}
      ${s.merged_from.length ? `<span>merged from ${s.merged_from.join(', ')}</span>` : ''}</div>
    ${summary ? `<h3>Summary</h3><ol class="summary card">${summary}</ol>` : ''}
    <h3>Members</h3><ul class="members card" id="members">${members}</ul>
    <h3>Original and ${others.length ? 'derived article' : 'text'}</h3>
    ${others.length ? `<p>Compare the original <strong>${esc(orig)}</strong> with <select id="pick">${compareOptions}</select> — shared passages are <mark class="shared">highlighted</mark> in both.</p>` : ''}
    <div class="cols" id="side-by-side"></div>
    <h3>Shared passages</h3>
    <ul class="passages card" id="passages">${s.shared_passages.length ? '' : '<li class="muted">none found</li>'}</ul>
    <h3>Quotes</h3><ul class="quotes card" id="quotes">${quotes || '<li class="muted">none found</li>'}</ul>
    <h3>Key names</h3><div class="chips card" id="names">${names || '<span class="muted">none</span>'}</div>
    <h3>Key terms</h3><div class="chips card" id="terms">${terms || '<span class="muted">none</span>'}</div>
    <h3>Timeline</h3><div class="card" id="timeline">${timeline(s.timeline, s.story)}</div>
    <h3>Boilerplate set aside</h3><div class="card" id="boilerplate">${setAside || '<p class="muted">none</p>'}</div>`;

  // The passage list: each passage shown as it reads in both articles.
  const plist = document.getElementById('passages');
  plist.innerHTML += s.shared_passages.map(p => {
    const ta = articles[p.a] ? dec.decode(enc.encode(articles[p.a].text).subarray(p.a_start, p.a_end)) : p.text;
    const tb = articles[p.b] ? dec.decode(enc.encode(articles[p.b].text).subarray(p.b_start, p.b_end)) : p.text;
    return `<li class="passage"><div class="side"><span class="who">${esc(p.a)}</span><mark class="shared">${esc(ta)}</mark></div>
      <div class="side"><span class="who">${esc(p.b)}</span><mark class="shared">${esc(tb)}</mark></div></li>`;
  }).join('');

  const render = other => {
    const col = (aid, against) => {
      const art = articles[aid];
      if (!art) return `<div class="card"><p class="error">article ${esc(aid)} not found</p></div>`;
      const ranges = [];
      for (const p of s.shared_passages) {
        if (p.a === aid && (!against || p.b === against)) ranges.push({start: p.a_start, end: p.a_end, cls: 'shared', title: `shared with ${p.b}`});
        else if (p.b === aid && (!against || p.a === against)) ranges.push({start: p.b_start, end: p.b_end, cls: 'shared', title: `shared with ${p.a}`});
      }
      for (const q of s.quotes) if (q.id === aid) ranges.push({start: q.start, end: q.end, cls: 'quote', title: `quote: ${q.speaker || 'unknown speaker'}`});
      const m = byId[aid] || {};
      return `<div class="card" data-id="${esc(aid)}"><div>${badge(m.relation || '')} <strong>${esc(art.title || aid)}</strong></div>
        <div class="muted">${esc(aid)} · ${esc(outlet(art))} · ${esc(day(m.published))}</div>
        <div class="text">${highlight(art.text, ranges)}</div></div>`;
    };
    document.getElementById('side-by-side').innerHTML = col(orig, other) + (other ? col(other, orig) : '');
  };
  render(others[0]);
  const pick = document.getElementById('pick');
  if (pick) pick.addEventListener('change', () => render(pick.value));
}

// ---- Routing ---------------------------------------------------------------

function route() {
  const h = location.hash.replace(/^#/, '') || '/';
  const m = h.match(/^\/story\/([^?]+)/);
  if (m) return showStory(decodeURIComponent(m[1]));
  const qs = h.includes('?') ? h.slice(h.indexOf('?') + 1) : '';
  const params = Object.fromEntries(new URLSearchParams(qs));
  document.getElementById('q').value = params.q || '';
  document.getElementById('from').value = params.from || '';
  document.getElementById('to').value = params.to || '';
  return showList(params);
}

document.getElementById('search').addEventListener('submit', ev => {
  ev.preventDefault();
  const p = new URLSearchParams();
  for (const k of ['q', 'from', 'to']) { const v = document.getElementById(k).value.trim(); if (v) p.set(k, v); }
  location.hash = '#/?' + p.toString();
});
window.addEventListener('hashchange', route);
api('/api/health').then(h => { document.getElementById('health').textContent = `${h.articles} articles · ${h.stories} stories`; }).catch(() => {});
route();
