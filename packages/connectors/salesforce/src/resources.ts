import { z } from 'zod';
import { salesforce } from './connector.js';
import { loadAccountDetail } from './operations.js';
import { salesforceId } from './soql.js';

export const accountResource = salesforce.resource({
  name: 'account',
  title: 'Salesforce account',
  description:
    'A Salesforce account with its contacts, open opportunities and recent activities: the same data as the ' +
    'get_account tool.',
  uriTemplate: 'accounts/{id}',
  params: z.object({ id: salesforceId('account', 'Salesforce account id (001..., 15 or 18 characters).') }),
  scopes: ['crm:read'],
  async read(params, ctx) {
    return { json: await loadAccountDetail(ctx, params.id) };
  },
});
