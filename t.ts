import autocannon from 'autocannon';
const base = 'http://127.0.0.1:3400';
const page = await fetch(`${base}/login`); const cookie0 = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie: cookie0, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: 'admin@passerelle.local', password: 'passerelle-demo-2026', _csrf: csrf }).toString() });
const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => c.startsWith('passerelle.sid'))[0]!;
let t0 = performance.now(); const d = await fetch(`${base}/dashboard?owner=all`, { headers: { cookie }, redirect: 'manual' }); console.log('first dashboard', d.status, Math.round(performance.now() - t0), 'ms');
for (let i = 0; i < 3; i++) { t0 = performance.now(); await (await fetch(`${base}/dashboard?owner=all`, { headers: { cookie } })).text(); console.log('one dashboard', Math.round(performance.now() - t0), 'ms'); }
const r = await autocannon({ url: base + '/dashboard?owner=all', connections: 20, duration: 6, headers: { cookie } });
console.log('dashboard', Math.round(r.requests.average), 'req/s p50', r.latency.p50, 'non2xx', r.non2xx);
