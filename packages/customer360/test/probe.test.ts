import { HERO_EMAILS } from '@switchboard/sandbox';
import { it } from 'vitest';
import { startWorld } from './harness.js';
import { writeFileSync } from 'node:fs';

it('probe', async () => {
  const w = await startWorld();
  const out: Record<string, unknown> = {};
  const signal = new AbortController().signal;
  for (const [hero, email] of Object.entries(HERO_EMAILS)) {
    const domain = email.split('@')[1];
    const r: Record<string, unknown> = {};
    for (const s of w.sources) {
      const t0 = Date.now();
      if (s.crm) { const m = await s.crm.findAccounts({ email, domain }, { signal }); r[s.instance.namespace] = { m, d: m[0] ? await s.crm.getAccountDetail(m[0].account.source.id, { signal }) : null }; }
      if (s.erp) { const m = await s.erp.findCustomers({ email, domain }, { signal }); r[s.instance.namespace] = { m, d: m[0] ? await s.erp.getFinancials(m[0].account.source.id, { signal }) : null }; }
      if (s.support) { r[s.instance.namespace] = { t: await s.support.findTickets({ email, domain }, { signal, limit: 10 }), c: await s.support.recentConversations({ email, domain }, { signal, limit: 5 }) }; }
      (r[s.instance.namespace] as Record<string, unknown>).ms = Date.now() - t0;
    }
    out[hero] = r;
  }
  writeFileSync('/tmp/probe/out.json', JSON.stringify(out, null, 1));
  await w.close();
}, 60000);
