import { z } from 'zod';
import { zendesk } from './connector.js';
import { getTicketTool } from './tools.js';

export const ticketResource = zendesk.resource({
  name: 'ticket',
  title: 'Zendesk ticket',
  description:
    'A Zendesk ticket with its requester, organization and first 20 comments: the same data as the ' +
    'get_ticket tool with its defaults.',
  uriTemplate: 'tickets/{id}',
  params: z.object({
    id: z
      .string()
      .regex(/^[1-9]\d{0,15}$/)
      .describe('Zendesk ticket id (digits).'),
  }),
  scopes: ['support:read'],
  async read(params, ctx) {
    // The tool's own handler, with its defaults: the resource cannot drift from get_ticket.
    const input = getTicketTool.input.parse({ id: Number(params.id) });
    return { json: await getTicketTool.handler(input, ctx) };
  },
});
