import { z } from 'zod';
import { odoo } from './connector.js';
import { loadCustomerDetail, loadOrderDetail } from './operations.js';

const SCOPES = ['erp:read'] as const;

export const customerResource = odoo.resource({
  name: 'customer',
  title: 'Odoo customer',
  description:
    'An Odoo customer with contacts, receivable, overdue, aging and last order: the same data as the ' +
    'get_customer tool. A contact id resolves to its company.',
  uriTemplate: 'customers/{id}',
  params: z.object({
    id: z
      .string()
      .regex(/^[1-9]\d{0,9}$/)
      .describe('Odoo id of the customer.'),
  }),
  scopes: SCOPES,
  async read(params, ctx) {
    return { json: await loadCustomerDetail(ctx, Number(params.id)) };
  },
});

export const orderResource = odoo.resource({
  name: 'order',
  title: 'Odoo sales order',
  description:
    'An Odoo sales order with its lines, by id (orders/42) or by order number (orders/S00042): the same ' +
    'data as the get_order tool.',
  uriTemplate: 'orders/{id}',
  params: z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .describe('Odoo id of the order (digits only) or its order number such as S00042.'),
  }),
  scopes: SCOPES,
  async read(params, ctx) {
    const key = /^[1-9]\d{0,9}$/.test(params.id) ? { id: Number(params.id) } : { name: params.id };
    return { json: await loadOrderDetail(ctx, key) };
  },
});
