import { Account, Contact, Deal, model } from '@switchboard/kit';
import { z } from 'zod';

/** Output models: the kit's common models plus what Salesforce adds. */

export const SalesforceAccount = Account.extend({
  website: z.string().optional().describe('Website as stored in Salesforce.'),
  owner: z.string().optional().describe('Name of the account owner (a Salesforce user).'),
}).describe('A Salesforce account.');
export type SalesforceAccount = z.output<typeof SalesforceAccount>;

export const MatchedBy = z
  .enum(['email', 'domain', 'name'])
  .describe(
    'Strongest criterion the account matched: email (a contact has that exact email), domain (website or a ' +
      "contact's email domain), name (part of the account name).",
  );

export const AccountMatch = SalesforceAccount.extend({ matchedBy: MatchedBy }).describe(
  'A Salesforce account and how it matched the search.',
);
export type AccountMatch = z.output<typeof AccountMatch>;

export const SalesforceContact = Contact.extend({
  firstName: z.string().optional().describe('First name.'),
  lastName: z.string().describe('Last name.'),
  accountName: z.string().optional().describe('Name of the account the contact belongs to.'),
}).describe('A Salesforce contact.');
export type SalesforceContact = z.output<typeof SalesforceContact>;

export const Opportunity = Deal.extend({
  probability: z.number().optional().describe('Win probability in percent, as set on the opportunity.'),
  accountName: z.string().optional().describe('Name of the account.'),
  owner: z.string().optional().describe('Name of the opportunity owner.'),
}).describe('A Salesforce opportunity.');
export type Opportunity = z.output<typeof Opportunity>;

export const Activity = model('A logged activity (Salesforce task).', {
  id: z.string().describe('Salesforce id of the task (00T...).'),
  subject: z.string().optional().describe('Subject of the task.'),
  status: z.string().describe('Task status, e.g. Completed or Not Started.'),
  type: z.string().optional().describe('Call, Email, Meeting or Other, when set.'),
  dueDate: z.string().optional().describe('Activity date (YYYY-MM-DD), when set.'),
  relatedToId: z.string().optional().describe('Account or opportunity the task is about (WhatId).'),
  contactId: z.string().optional().describe('Contact the task is about (WhoId).'),
  accountId: z.string().optional().describe('Account Salesforce derived from the related records.'),
  createdAt: z.string().describe('When the task was created (ISO 8601).'),
});
export type Activity = z.output<typeof Activity>;

export const AccountDetail = z.object({
  account: SalesforceAccount,
  contacts: z.array(SalesforceContact).describe('Contacts of the account, by name (at most 50).'),
  contactsTruncated: z.boolean().describe('True when the account has more than 50 contacts.'),
  openOpportunities: z
    .array(Opportunity)
    .describe('Open opportunities of the account, soonest close date first (at most 50).'),
  recentActivities: z.array(Activity).describe('The 10 most recently created tasks of the account.'),
});
export type AccountDetail = z.output<typeof AccountDetail>;
