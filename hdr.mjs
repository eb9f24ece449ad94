import { loadUws } from './dist/src/http/uws.js';
const { uws } = loadUws({ allowJsFallback: false });
const body = Buffer.alloc(14523, 1);
const headers = [['Access-Control-Allow-Origin','*'],['Cross-Origin-Resource-Policy','cross-origin'],['Timing-Allow-Origin','*'],['X-Images-Api','5'],['Content-Type','image/jpeg'],['Content-Disposition','inline; filename=image.jpg'],['Cache-Control','public, max-age=31536000'],['Expires','Fri, 03 Dec 2027 17:51:43 GMT'],['Link','<http://127.0.0.1:39885/2569067123_aca715a2ee_o.jpg>; rel="canonical"'],['X-Upstream-Response-Length','829183'],['X-Cache','HIT']];
const [first, ...rest] = headers;
const joined = first[1] + rest.map(([k, v]) => `\r\n${k}: ${v}`).join('');
const mode = process.argv[2];
const app = uws.App();
app.any('/*', (res, req) => {
  if (mode === 'scan') { let n = 0; req.forEach((k, v) => { n += k.length + v.length; }); }
  if (mode === 'addr') { Buffer.from(res.getRemoteAddressAsText()).toString(); }
  res.cork(() => {
    res.writeStatus('200 OK');
    if (mode === 'joined') res.writeHeader(first[0], joined); else for (const [k, v] of headers) res.writeHeader(k, v);
    res.end(body);
  });
});
app.listen('127.0.0.1', Number(process.argv[3]), (s) => { if (!s) process.exit(1); });
