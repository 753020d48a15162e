import { ToolError } from '@switchboard/kit';
import { z } from 'zod';
import { zendesk } from './connector.js';
import { ticketNotFound } from './operations.js';
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
    const input = getTicketTool.input.safeParse({ id: Number(params.id) });
    // The URI pattern admits 16 digits; ids past the largest exact integer name no ticket.
    if (!input.success) throw new ToolError('not_found', ticketNotFound(ctx, Number(params.id)));
    return { json: await getTicketTool.handler(input.data, ctx) };
  },
});
