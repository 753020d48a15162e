import { z } from 'zod';
import { hubspot } from './connector.js';
import { ID_PATTERN, loadCompanyDetail } from './operations.js';

export const companyResource = hubspot.resource({
  name: 'company',
  title: 'HubSpot company',
  description:
    'A HubSpot company with its contacts, deals and recent notes: the same data as the get_company tool.',
  uriTemplate: 'companies/{id}',
  params: z.object({ id: z.string().regex(ID_PATTERN).describe('HubSpot id of the company.') }),
  scopes: ['crm:read'],
  async read(params, ctx) {
    return { json: await loadCompanyDetail(ctx, params.id) };
  },
});
