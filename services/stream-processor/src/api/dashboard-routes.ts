import type { RoutePlugin } from '@scale-models/service-kit';

// The live dashboard: one table per query, filled by a pull query and kept current by the
// query's Server-Sent Events. Plain HTML and DOM calls, no build step.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>stream-processor · live results</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; }
  table { border-collapse: collapse; margin-top: 1rem; }
  th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: right; }
  th { background: #f3f3f3; }
  tr.updated td { background: #fff6c4; transition: background 1s; }
  #status { color: #777; }
</style>
</head>
<body>
<h1>Live results of <code id="query"></code></h1>
<p id="status">connecting…</p>
<table id="results"><thead></thead><tbody></tbody></table>
<script>
  const name = new URLSearchParams(location.search).get('query') ?? '';
  document.getElementById('query').textContent = name;
  const status = document.getElementById('status');
  const head = document.querySelector('#results thead');
  const body = document.querySelector('#results tbody');
  let columns = [];
  const show = (value) =>
    typeof value === 'number' && value > 1e12 ? new Date(value).toISOString().slice(11, 19) : String(value);
  function upsert({ id, row }) {
    let tr = body.querySelector('tr[data-id="' + CSS.escape(id) + '"]');
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.id = id;
      body.prepend(tr);
    }
    tr.replaceChildren(...columns.map((column) => {
      const td = document.createElement('td');
      td.dataset.column = column;
      td.textContent = show(row[column]);
      return td;
    }));
    tr.className = 'updated';
    setTimeout(() => (tr.className = ''), 1000);
  }
  fetch('/queries/' + encodeURIComponent(name) + '/results')
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
    .then((view) => {
      columns = view.columns;
      const tr = document.createElement('tr');
      tr.replaceChildren(...columns.map((column) => Object.assign(document.createElement('th'), { textContent: column })));
      head.replaceChildren(tr);
      view.rows.forEach(upsert);
      const events = new EventSource('/queries/' + encodeURIComponent(name) + '/changes');
      events.addEventListener('result', (event) => upsert(JSON.parse(event.data)));
      events.onopen = () => (status.textContent = 'live: results appear as windows close');
      events.onerror = () => (status.textContent = 'reconnecting…');
    })
    .catch((error) => (status.textContent = 'no such query: ' + error.message));
</script>
</body>
</html>
`;

export function dashboardRoutes(): RoutePlugin {
  return (app) => {
    app.get(
      '/dashboard',
      { schema: { summary: 'Live dashboard of one query (?query=<name>)' } },
      (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE),
    );
  };
}
