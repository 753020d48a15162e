import { Connection } from 'jsforce/lib/core.js';
import { startSalesforceSandbox } from '../../sandbox/src/index.ts';
const sb = await startSalesforceSandbox();
const conn = new Connection({ loginUrl: sb.url, version: '62.0', oauth2: { clientId: sb.credentials.clientId, clientSecret: sb.credentials.clientSecret, loginUrl: sb.url },
  refreshFn: (c, cb) => { c.authorize({ grant_type: 'client_credentials' }).then(() => cb(null, c.accessToken ?? ''), cb); } });
await conn.authorize({ grant_type: 'client_credentials' });
console.log(conn.instanceUrl, conn.userInfo);
const r = await conn.query("SELECT Id, Name, Account.Name, Owner.Name FROM Contact WHERE Account.Name LIKE 'Helix%' ORDER BY LastName DESC LIMIT 3", { headers: { 'Sforce-Query-Options': 'batchSize=2' } });
console.log(JSON.stringify(r, null, 1));
const more = await conn.queryMore(r.nextRecordsUrl!);
console.log(JSON.stringify(more));
sb.expireTokens();
const acc = await conn.sobject('Account').retrieve(r.records[0].Account.attributes.url.split('/').pop());
console.log(acc.Name, conn.limitInfo);
const t = await conn.sobject('Task').create({ Subject: 'hi', WhatId: acc.Id });
console.log(t);
const u = await conn.sobject('Opportunity').update({ Id: (await conn.query("SELECT Id FROM Opportunity LIMIT 1")).records[0].Id, StageName: 'Closed Won' });
console.log(u);
try { await conn.query("SELECT COUNT() FROM Account"); } catch (e) { console.log(e.name, e.errorCode, e.message); }
try { await conn.sobject('Opportunity').update({ Id: '0067W00000lB0qFQAS', StageName: 'Foo' }); } catch (e) { console.log('upd', e.name, e.errorCode, e.message); }
console.log(await conn.search("FIND {maya} IN ALL FIELDS RETURNING Contact(Id, Name, Email)"));
console.log(sb.server.requests.map(r => `${r.method} ${r.path} ${r.status}`));
await sb.close();
